import LakeQuery

/// A value bound to a compiled query's parameter.
enum SQLValue: Sendable, Equatable {
  case integer(Int64)
  case real(Double)
  case text(String)
  /// Text given as raw bytes (a key bound that may not be valid UTF-8).
  case bytes([UInt8])

  init(_ value: TypedValue) {
    switch value {
    case .integer(let number), .date(let number), .timestamp(let number): self = .integer(number)
    case .decimal(let number): self = .real(number)
    case .string(let text): self = .text(text)
    }
  }
}

/// Why a query cannot run; the message names the field or value (InvalidArgument).
public struct LakeQueryError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) {
    self.message = message
  }

  public var description: String { message }
}

/// Compiles a ``LakeFilter`` into an SQL condition over `lake_files f` joined with
/// `objects o`, with its parameters.
///
/// - Partition fields compare exactly, by the partition column's type over the query's scope
///   (`lake_partition_columns`): `sort` (number or microseconds) for typed columns, `value`
///   (text) otherwise. A file without the partition has no value: only `IS NULL` with Hive's
///   null marker matches nulls.
/// - Column fields prune by statistics (min/max, null counts), as Iceberg and DuckLake do: a
///   file is kept when the statistics say some row may match, or are unknown. NOT is pushed
///   down to the predicates first (De Morgan, inverted operators), since "may match" does
///   not negate. A file without the column does not match.
/// - Built-in fields compare exactly; metadata fields compare as text.
struct LakeFilterSQL {
  /// The scope's partition columns and their types, by name.
  let partitionTypes: [String: PartitionType]
  private(set) var parameters: [SQLValue] = []

  init(partitionTypes: [String: PartitionType]) {
    self.partitionTypes = partitionTypes
  }

  /// The condition for `filter`.
  mutating func condition(_ filter: LakeFilter) throws(LakeQueryError) -> String {
    try condition(filter, negated: false)
  }

  private mutating func condition(_ filter: LakeFilter, negated: Bool) throws(LakeQueryError)
    -> String
  {
    switch filter {
    case .and(let operands), .or(let operands):
      var isAnd = true
      if case .or = filter { isAnd = false }
      if negated { isAnd.toggle() }
      var parts: [String] = []
      for operand in operands { parts.append(try condition(operand, negated: negated)) }
      return "(" + parts.joined(separator: isAnd ? " AND " : " OR ") + ")"
    case .not(let operand):
      return try condition(operand, negated: !negated)
    case .compare(let field, let op, let literal):
      return try predicate(field, [(negated ? op.inverted : op, literal)], all: !negated)
    case .in(let field, let literals, let notIn):
      let isNot = notIn != negated
      let op: ComparisonOperator = isNot ? .notEqual : .equal
      return try predicate(field, literals.map { (op, $0) }, all: isNot)
    case .between(let field, let low, let high, let notBetween):
      if notBetween != negated {
        return try predicate(field, [(.less, low), (.greater, high)], all: false)
      }
      return try predicate(field, [(.greaterOrEqual, low), (.lessOrEqual, high)], all: true)
    case .isNull(let field, let notNull):
      return try nullPredicate(field, isNull: notNull == negated)
    case .like(let field, let pattern, let notLike):
      return try likePredicate(field, pattern, negated: notLike != negated)
    }
  }

  /// How a bare name resolves: a partition column of the scope, then a built-in field, then
  /// a column statistic.
  func resolve(_ field: LakeField) -> LakeField {
    guard case .name(let name) = field else { return field }
    if partitionTypes[name] != nil { return .partition(name) }
    if let builtin = BuiltinField(rawValue: name) { return .builtin(builtin) }
    return .column(name)
  }

  /// `field op literal` for each pair, joined with AND (`all`) or OR, as one condition on
  /// the file: for partitions and columns inside one EXISTS, so a conjunction of bounds
  /// applies to the same value or column.
  private mutating func predicate(
    _ field: LakeField, _ comparisons: [(ComparisonOperator, LakeLiteral)], all: Bool
  ) throws(LakeQueryError) -> String {
    let joiner = all ? " AND " : " OR "
    switch resolve(field) {
    case .partition(let name):
      let type = partitionTypes[name] ?? .string
      var parts: [String] = []
      for (op, literal) in comparisons {
        let column = type == .string ? "p.value" : "p.sort"
        let value = try typed(literal, as: type, field: "partition \(name)")
        parts.append("\(column) \(op.sql) \(bind(value))")
      }
      return "EXISTS (SELECT 1 FROM lake_partitions p WHERE p.bucket = f.bucket AND p.key = f.key"
        + " AND p.name = \(bind(.text(name))) AND (\(parts.joined(separator: joiner))))"
    case .column(let name):
      var parts: [String] = []
      for (op, literal) in comparisons { parts.append(statisticCondition(op, literal)) }
      return "EXISTS (SELECT 1 FROM lake_columns c WHERE c.bucket = f.bucket AND c.key = f.key"
        + " AND c.name = \(bind(.text(name))) AND (\(parts.joined(separator: joiner))))"
    case .metadata(let name):
      var parts: [String] = []
      for (op, literal) in comparisons {
        parts.append("\(metadataValue(name)) \(op.sql) \(bind(.text(literal.text)))")
      }
      return "(" + parts.joined(separator: joiner) + ")"
    case .builtin(let builtin):
      var parts: [String] = []
      for (op, literal) in comparisons {
        let (column, value) = try builtinOperand(builtin, literal)
        parts.append("\(column) \(op.sql) \(bind(value))")
      }
      return "(" + parts.joined(separator: joiner) + ")"
    case .name:
      preconditionFailure("resolve returns no bare names")
    }
  }

  /// Whether a file's statistics allow a row where `column op literal` holds; unknown
  /// statistics, and columns of a kind the catalog cannot order, allow it.
  private mutating func statisticCondition(_ op: ComparisonOperator, _ literal: LakeLiteral)
    -> String
  {
    var kinds: [String] = ["(c.kind = 'other')"]
    let candidates: [(String, TypedValue?)] = [
      ("c.kind IN ('integer', 'decimal')", PartitionType.decimal.parse(literal.text)),
      ("c.kind = 'date'", PartitionType.date.parse(literal.text)),
      ("c.kind = 'timestamp'", PartitionType.timestamp.parse(literal.text)),
      ("c.kind = 'string'", .string(literal.text)),
    ]
    for case (let kind, let value?) in candidates {
      // Numbers bind as integers when they are whole, so integer statistics compare exactly.
      var bound = SQLValue(value)
      if case .decimal = value, let whole = PartitionType.integer.parse(literal.text) {
        bound = SQLValue(whole)
      }
      let v = bind(bound)
      let test: String
      switch op {
      case .equal: test = "c.min_value <= \(v) AND c.max_value >= \(v)"
      case .notEqual: test = "NOT (c.min_value = \(v) AND c.max_value = \(v))"
      case .less, .lessOrEqual: test = "c.min_value \(op.sql) \(v)"
      case .greater, .greaterOrEqual: test = "c.max_value \(op.sql) \(v)"
      }
      kinds.append("(\(kind) AND (c.min_value IS NULL OR c.max_value IS NULL OR (\(test))))")
    }
    return "(" + kinds.joined(separator: " OR ") + ")"
  }

  private mutating func nullPredicate(_ field: LakeField, isNull: Bool) throws(LakeQueryError)
    -> String
  {
    switch resolve(field) {
    case .partition(let name):
      return "EXISTS (SELECT 1 FROM lake_partitions p WHERE p.bucket = f.bucket AND p.key = f.key"
        + " AND p.name = \(bind(.text(name))) AND p.value IS \(isNull ? "" : "NOT ")NULL)"
    case .column(let name):
      let test =
        isNull
        ? "c.null_count IS NULL OR c.null_count > 0"
        : "c.null_count IS NULL OR f.row_count IS NULL OR c.null_count < f.row_count"
      return "EXISTS (SELECT 1 FROM lake_columns c WHERE c.bucket = f.bucket AND c.key = f.key"
        + " AND c.name = \(bind(.text(name))) AND (\(test)))"
    case .metadata(let name):
      return "(\(metadataValue(name)) IS \(isNull ? "" : "NOT ")NULL)"
    case .builtin(let builtin):
      let column = builtinColumn(builtin)
      return "(\(column) IS \(isNull ? "" : "NOT ")NULL)"
    case .name:
      preconditionFailure("resolve returns no bare names")
    }
  }

  private mutating func likePredicate(_ field: LakeField, _ pattern: String, negated: Bool)
    throws(LakeQueryError) -> String
  {
    let glob = bind(.text(Self.glob(fromLike: pattern)))
    let not = negated ? "NOT " : ""
    switch resolve(field) {
    case .partition(let name):
      return "EXISTS (SELECT 1 FROM lake_partitions p WHERE p.bucket = f.bucket AND p.key = f.key"
        + " AND p.name = \(bind(.text(name))) AND p.value \(not)GLOB \(glob))"
    case .column:
      return "1"  // statistics cannot rule a pattern out: every file with the column may match
    case .metadata(let name):
      return "(\(metadataValue(name)) \(not)GLOB \(glob))"
    case .builtin(let builtin):
      return "(\(builtinColumn(builtin)) \(not)GLOB \(glob))"
    case .name:
      preconditionFailure("resolve returns no bare names")
    }
  }

  /// The SQL expression of a built-in field.
  func builtinColumn(_ field: BuiltinField) -> String {
    switch field {
    case .key: "f.key"
    case .size: "o.size"
    case .modified: "o.modified_ms"
    case .format: "f.format"
    case .contentType: "f.content_type"
    case .etag: "o.etag"
    case .rows: "f.row_count"
    case .dataset: "f.dataset"
    }
  }

  private func builtinOperand(_ field: BuiltinField, _ literal: LakeLiteral)
    throws(LakeQueryError) -> (String, SQLValue)
  {
    switch field {
    case .size:
      guard let bytes = literal.byteCount else {
        throw LakeQueryError("'\(literal.text)' is not a size (bytes, or with a unit: 10MB, 1GiB)")
      }
      return (builtinColumn(field), .integer(bytes))
    case .rows:
      guard let rows = PartitionType.integer.parse(literal.text) else {
        throw LakeQueryError("'\(literal.text)' is not a whole number of rows")
      }
      return (builtinColumn(field), SQLValue(rows))
    case .modified:
      guard case .timestamp(let micros)? = PartitionType.timestamp.parse(literal.text) else {
        throw LakeQueryError(
          "'\(literal.text)' is not a date or timestamp (2024-05-01, 2024-05-01T10:00:00Z)")
      }
      return (builtinColumn(field), .integer(micros / 1000))
    case .format:
      return (builtinColumn(field), .text(literal.text.lowercased()))
    case .key, .contentType, .etag, .dataset:
      return (builtinColumn(field), .text(literal.text))
    }
  }

  private func typed(_ literal: LakeLiteral, as type: PartitionType, field: String)
    throws(LakeQueryError) -> SQLValue
  {
    guard let value = PartitionSeek.typedKey(literal, type) else {
      throw LakeQueryError("'\(literal.text)' is not a \(type.rawValue), the type of \(field)")
    }
    return value
  }

  private mutating func metadataValue(_ name: String) -> String {
    let path = "$.\"" + name.replacingOccurrences(of: "\"", with: "") + "\""
    return "json_extract(o.user_metadata, \(bind(.text(path))))"
  }

  /// Adds a parameter and returns its placeholder.
  mutating func bind(_ value: SQLValue) -> String {
    parameters.append(value)
    return "?\(parameters.count)"
  }

  /// A LIKE pattern (`%`, `_`, `\` escapes) as a GLOB pattern, which SQLite matches with
  /// case, as S3 keys are: `*`, `?`, and `[c]` for a literal `*`, `?` or `[`.
  static func glob(fromLike pattern: String) -> String {
    var out = ""
    var escaping = false
    for character in pattern {
      if escaping {
        out += literalGlob(character)
        escaping = false
      } else if character == "\\" {
        escaping = true
      } else if character == "%" {
        out += "*"
      } else if character == "_" {
        out += "?"
      } else {
        out += literalGlob(character)
      }
    }
    return out
  }

  private static func literalGlob(_ character: Character) -> String {
    "*?[".contains(character) ? "[\(character)]" : String(character)
  }
}

extension ComparisonOperator {
  var sql: String {
    switch self {
    case .equal: "="
    case .notEqual: "!="
    case .less: "<"
    case .lessOrEqual: "<="
    case .greater: ">"
    case .greaterOrEqual: ">="
    }
  }

  /// The operator that holds exactly when this one does not.
  var inverted: ComparisonOperator {
    switch self {
    case .equal: .notEqual
    case .notEqual: .equal
    case .less: .greaterOrEqual
    case .lessOrEqual: .greater
    case .greater: .lessOrEqual
    case .greaterOrEqual: .less
    }
  }
}
