/// What a predicate tests: a partition column, a built-in property of the object, a column's
/// statistics, user metadata, or a bare name the server resolves.
///
/// Text forms: `year` (bare), `partition.year`, `column.amount`, `meta.owner`, `object.size`;
/// a name that is not an identifier (`[A-Za-z_][A-Za-z0-9_]*`) is double-quoted with `""` for
/// a quote: `"event-date"`, `partition."a.b"`. Qualifiers match case-insensitively; names are
/// case-sensitive, except metadata names, which are stored lowercased.
public enum LakeField: Sendable, Hashable, CustomStringConvertible {
  /// A bare name, resolved by the server: the dataset's partition column of that name if
  /// there is one, else the built-in field of that name, else a column statistic.
  case name(String)
  /// `partition.NAME`: a Hive partition column.
  case partition(String)
  /// `column.NAME`: a column's min/max statistics.
  case column(String)
  /// `meta.NAME`: user metadata `x-amz-meta-NAME`; the name is lowercase.
  case metadata(String)
  /// `object.NAME`: a property every object has.
  case builtin(BuiltinField)

  /// The qualifiers of the text form, lowercase, in the order of the cases.
  static let qualifiers = ["partition", "column", "meta", "object"]

  /// The same field with a metadata name lowercased.
  public var normalized: LakeField {
    if case .metadata(let name) = self { return .metadata(name.lowercased()) }
    return self
  }

  /// The name as written after the qualifier (the built-in's raw value).
  public var fieldName: String {
    switch self {
    case .name(let name), .partition(let name), .column(let name), .metadata(let name): name
    case .builtin(let field): field.rawValue
    }
  }

  /// The canonical text: qualifier (lowercase) and name, quoted only where needed. A bare
  /// name that is a keyword is quoted (`"in"`).
  public var description: String {
    switch self {
    case .name(let name):
      Self.isIdentifier(name) && QueryKeyword(word: name) == nil ? name : Self.quoted(name)
    case .partition(let name): "partition." + Self.written(name)
    case .column(let name): "column." + Self.written(name)
    case .metadata(let name): "meta." + Self.written(name)
    case .builtin(let field): "object." + field.rawValue
    }
  }

  /// Parses one field, as in a filter.
  public init(parsing text: String, limits: LakeQueryLimits = LakeQueryLimits())
    throws(LakeQuerySyntaxError)
  {
    var parser = try QueryParser(text, limits: limits)
    self = try parser.parseField()
    try parser.expectEnd(after: "a field")
  }

  /// `[A-Za-z_][A-Za-z0-9_]*`.
  static func isIdentifier<Text: StringProtocol>(_ name: Text) -> Bool {
    guard let first = name.unicodeScalars.first, first.isASCII, !("0"..."9").contains(first)
    else { return false }
    return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || isAlphanumeric($0)) }
  }

  static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
  }

  /// A name after a qualifier: bare when an identifier (keywords too), else quoted.
  private static func written(_ name: String) -> String {
    isIdentifier(name) ? name : quoted(name)
  }

  /// `"name"` with each `"` doubled.
  static func quoted(_ name: String) -> String {
    QueryLexer.quoting(name, in: "\"")
  }
}

/// The properties every object has, written `object.NAME`.
public enum BuiltinField: String, Sendable, Hashable, CaseIterable, Codable {
  /// The object's key.
  case key
  /// Its size in bytes; compared with size literals (``LakeLiteral/byteCount``).
  case size
  /// Its last-modified time, a timestamp.
  case modified
  /// Its ``DataFormat`` as the catalog recorded it (`parquet`, `csv`, …).
  case format
  /// Its `Content-Type`.
  case contentType = "content_type"
  /// Its ETag, without quotes.
  case etag
  /// Its row count, for structured formats.
  case rows
  /// The dataset it belongs to (``DatasetPath/dataset``).
  case dataset
}
