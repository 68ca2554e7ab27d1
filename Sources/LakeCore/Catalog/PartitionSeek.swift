import LakeQuery

/// A partition condition the catalog can seek on: the files whose partition `name` holds
/// one of a set of values (an equality, an IN list, or a range expanded to the distinct
/// values it covers), found in key order through the partition index.
struct PartitionSeek {
  enum Values {
    /// Sort keys (``sortKey(_:_:)``).
    case set([SQLValue])
    /// A range, expanded to its distinct values when the query runs: of `sort` for a typed
    /// column, of the text for a string column.
    case range(lower: (SQLValue, Bool)?, upper: (SQLValue, Bool)?)
  }

  var name: String
  var type: PartitionType
  var values: Values

  /// The seekable conditions among the filter's top-level AND operands.
  static func conditions(
    in filter: LakeFilter?, _ compiler: LakeFilterSQL, types: [String: PartitionType]
  ) -> [PartitionSeek] {
    guard let filter else { return [] }
    let operands: [LakeFilter]
    if case .and(let all) = filter { operands = all } else { operands = [filter] }
    var seeks: [PartitionSeek] = []
    for operand in operands {
      var field: LakeField
      var make: (PartitionType) -> Values?
      switch operand {
      case .compare(let f, let op, let literal) where op != .notEqual:
        field = f
        make = { type in
          guard let value = typedKey(literal, type) else { return nil }
          switch op {
          case .equal: return .set([sortKey(literal, type)])
          case .less: return .range(lower: nil, upper: (value, false))
          case .lessOrEqual: return .range(lower: nil, upper: (value, true))
          case .greater: return .range(lower: (value, false), upper: nil)
          default: return .range(lower: (value, true), upper: nil)
          }
        }
      case .in(let f, let literals, negated: false):
        field = f
        make = { type in
          var values: [SQLValue] = []
          for literal in literals {
            guard typedKey(literal, type) != nil else { return nil }
            values.append(sortKey(literal, type))
          }
          return .set(values)
        }
      case .between(let f, let low, let high, negated: false):
        field = f
        make = { type in
          guard let low = typedKey(low, type), let high = typedKey(high, type) else { return nil }
          return .range(lower: (low, true), upper: (high, true))
        }
      default:
        continue
      }
      guard case .partition(let name) = compiler.resolve(field), let type = types[name],
        let values = make(type)
      else { continue }
      seeks.append(PartitionSeek(name: name, type: type, values: values))
    }
    return seeks
  }

  /// The literal as a predicate on a partition of `type` compares it: the text with
  /// `lake_partitions.value` for string columns, the number or microseconds (dates at
  /// midnight) with `lake_partitions.sort` otherwise; nil when it is not of that type.
  static func typedKey(_ literal: LakeLiteral, _ type: PartitionType) -> SQLValue? {
    if type == .string { return .text(literal.text) }
    guard let value = type.parse(literal.text) else { return nil }
    if case .date = value, let micros = PartitionType.timestamp.parse(literal.text) {
      return SQLValue(micros)
    }
    return SQLValue(value)
  }

  /// Where `lake_partitions_by_sort` holds the literal (a valid one, see `typedKey`): its
  /// typed key for typed columns; for string columns the text, or the number or
  /// microseconds of one that reads as such, where other spellings (`05` and `5`) share its
  /// place. A seek for it may then find those too; the query's own condition, which
  /// compares text, drops them.
  static func sortKey(_ literal: LakeLiteral, _ type: PartitionType) -> SQLValue {
    if type != .string, let typed = typedKey(literal, type) { return typed }
    return SQLValue(PartitionTally.sortKey(literal.text))
  }
}

/// Leapfrog join of several ``PartitionSeek``s over the partition index: the keys of a
/// dataset that satisfy all of them, in key order, found by seeking each condition's next
/// key at or after the current candidate until all agree. Its cost follows the number of
/// matches and of runs of keys, not the dataset's size.
struct PartitionLeapfrog {
  /// Per condition, per value: the keys holding that value from the position last sought,
  /// in order (up to `readAhead` of them), and whether the index has more after them.
  private struct Cursor {
    var value: SQLValue
    var keys: [[UInt8]] = []
    var next = 0
    var more = true
    /// Whether a seek from anywhere needs a query (nothing buffered yet).
    var fresh = true
  }

  private var cursors: [[Cursor]]
  /// How many keys one index seek reads ahead: runs of adjacent matches then cost one query
  /// per this many keys.
  private let readAhead = 64
  private let seeks: [PartitionSeek]
  private let bucket: String
  private let dataset: String
  private(set) var exhausted = false

  /// Nil when a range covers more than `maxValues` distinct values (then its condition is
  /// only filtered, not sought).
  init?(
    _ seeks: [PartitionSeek], bucket: String, dataset: String, maxValues: Int,
    on connection: SQLiteConnection
  ) throws(LakeError) {
    self.seeks = seeks
    self.bucket = bucket
    self.dataset = dataset
    var cursors: [[Cursor]] = []
    for seek in seeks {
      var values: [SQLValue]
      switch seek.values {
      case .set(let set): values = set
      case .range(let lower, let upper):
        guard
          let found = try Self.distinctValues(
            seek, lower: lower, upper: upper, bucket: bucket, dataset: dataset,
            limit: maxValues, on: connection)
        else { return nil }
        values = found
      }
      cursors.append(values.map { Cursor(value: $0) })
    }
    self.cursors = cursors
  }

  /// Up to `count` keys after `after` (nil: from the start) that satisfy every condition.
  mutating func keys(after: [UInt8]?, count: Int, on connection: SQLiteConnection)
    throws(LakeError) -> [[UInt8]]
  {
    var candidate = after.map { $0 + [0] } ?? []
    var found: [[UInt8]] = []
    var agreed = 0
    var index = 0
    while found.count < count {
      guard let next = try seek(index, from: candidate, on: connection) else {
        exhausted = true
        break
      }
      if next == candidate {
        agreed += 1
      } else {
        candidate = next
        agreed = 1
      }
      if agreed == seeks.count {
        found.append(candidate)
        candidate.append(0)  // the smallest key after it
        agreed = 0
      }
      index = (index + 1) % seeks.count
    }
    return found
  }

  /// The smallest key at or after `from` holding one of condition `index`'s values. Keys
  /// only move forward, so each value's buffered keys below `from` are dropped; the index is
  /// asked again only when a value's buffer runs out.
  private mutating func seek(_ index: Int, from: [UInt8], on connection: SQLiteConnection)
    throws(LakeError) -> [UInt8]?
  {
    let seek = seeks[index]
    var best: [UInt8]?
    for slot in cursors[index].indices {
      var cursor = cursors[index][slot]
      while cursor.next < cursor.keys.count,
        cursor.keys[cursor.next].lexicographicallyPrecedes(from)
      {
        cursor.next += 1
      }
      if cursor.next == cursor.keys.count, cursor.more || cursor.fresh {
        cursor.keys = try connection.run(
          """
          SELECT key FROM lake_partitions WHERE bucket = ?1 AND dataset = ?2 AND name = ?3
            AND sort = ?4 AND key >= ?5 ORDER BY key LIMIT ?6
          """
        ) { (statement) throws(LakeError) -> [[UInt8]] in
          try statement.bind(1, bucket)
          try statement.bind(2, dataset)
          try statement.bind(3, seek.name)
          try statement.bind(4, cursor.value)
          try statement.bindText(5, bytes: from)
          try statement.bind(6, Int64(readAhead))
          var keys: [[UInt8]] = []
          while try statement.step() { keys.append(Array(statement.textBytes(0))) }
          return keys
        }
        cursor.next = 0
        cursor.more = cursor.keys.count == readAhead
        cursor.fresh = false
      }
      cursors[index][slot] = cursor
      if cursor.next < cursor.keys.count {
        let next = cursor.keys[cursor.next]
        if best.map({ next.lexicographicallyPrecedes($0) }) ?? true { best = next }
      }
    }
    return best
  }

  /// The distinct values of a partition in a range; nil when there are more than `limit`.
  /// A typed column's are read from the partition index, one seek each; a string column's,
  /// compared as text, from its value tallies (`lake_partition_values`, in text order).
  private static func distinctValues(
    _ seek: PartitionSeek, lower: (SQLValue, Bool)?, upper: (SQLValue, Bool)?, bucket: String,
    dataset: String, limit: Int, on connection: SQLiteConnection
  ) throws(LakeError) -> [SQLValue]? {
    if seek.type == .string {
      var sql = """
        SELECT value FROM lake_partition_values WHERE bucket = ?1 AND dataset = ?2
          AND name = ?3 AND is_null = 0
        """
      if let lower { sql += " AND value \(lower.1 ? ">=" : ">") ?4" }
      if let upper { sql += " AND value \(upper.1 ? "<=" : "<") ?5" }
      sql += " ORDER BY value LIMIT ?6"
      let texts = try connection.run(sql) { (statement) throws(LakeError) -> [String] in
        try statement.bind(1, bucket)
        try statement.bind(2, dataset)
        try statement.bind(3, seek.name)
        if let lower { try statement.bind(4, lower.0) }
        if let upper { try statement.bind(5, upper.0) }
        try statement.bind(6, Int64(limit) + 1)
        var texts: [String] = []
        while try statement.step() { texts.append(statement.text(0)) }
        return texts
      }
      guard texts.count <= limit else { return nil }
      return texts.map { PartitionSeek.sortKey(LakeLiteral($0), .string) }
    }
    var values: [SQLValue] = []
    var position = lower
    while true {
      var sql = """
        SELECT sort FROM lake_partitions WHERE bucket = ?1 AND dataset = ?2
          AND name = ?3 AND sort IS NOT NULL
        """
      if let position { sql += " AND sort \(position.1 ? ">=" : ">") ?4" }
      if let upper { sql += " AND sort \(upper.1 ? "<=" : "<") ?5" }
      sql += " ORDER BY sort LIMIT 1"
      let next = try connection.run(sql) { (statement) throws(LakeError) -> SQLValue? in
        try statement.bind(1, bucket)
        try statement.bind(2, dataset)
        try statement.bind(3, seek.name)
        if let position { try statement.bind(4, position.0) }
        if let upper { try statement.bind(5, upper.0) }
        guard try statement.step() else { return nil }
        if statement.isInteger(0) { return .integer(statement.int64(0)) }
        if statement.isReal(0) { return .real(statement.double(0)) }
        return .text(statement.text(0))
      }
      guard let next else { return values }
      if values.count == limit { return nil }
      values.append(next)
      position = (next, false)
    }
  }
}

extension SQLiteStatement {
  func bind(_ index: Int32, _ value: SQLValue) throws(LakeError) {
    switch value {
    case .integer(let number): try bind(index, number)
    case .real(let number): try bind(index, number)
    case .text(let text): try bind(index, text)
    case .bytes(let bytes): try bindText(index, bytes: bytes)
    }
  }
}
