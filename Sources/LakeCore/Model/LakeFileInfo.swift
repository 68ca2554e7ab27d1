import LakeQuery

/// What the catalog's index knows of one object: where it sits in the lake (dataset and Hive
/// partition values from its key), its format from its content, and for structured files
/// their schema and statistics.
public struct LakeFileInfo: Sendable, Equatable {
  /// How far the indexer got with an object.
  public enum Status: String, Sendable, Equatable {
    /// A structured file whose schema and statistics are recorded.
    case indexed
    /// A structured file (by its content) the indexer could not parse; `reason` says why.
    /// It is stored and served like any object.
    case unparsed
    /// Not a structured format: images, logs, binaries.
    case unstructured
  }

  public var bucket: String
  public var key: String
  /// The object version indexed: its catalog sequence number.
  public var sequence: Int64
  /// The key's dataset and partition values (``DatasetPath``).
  public var path: DatasetPath
  public var size: Int64
  /// The format detected from the first bytes (for gzip, from the first inflated bytes), and
  /// the key's suffix where the bytes cannot tell.
  public var format: FormatGuess
  public var status: Status
  /// Why a structured file is `unparsed`.
  public var reason: String?
  /// Rows in a structured file, when known.
  public var rowCount: Int64?
  /// The file's columns in order, with statistics where known.
  public var columns: [LakeColumn]

  public init(
    bucket: String, key: String, sequence: Int64, path: DatasetPath, size: Int64,
    format: FormatGuess, status: Status, reason: String? = nil, rowCount: Int64? = nil,
    columns: [LakeColumn] = []
  ) {
    self.bucket = bucket
    self.key = key
    self.sequence = sequence
    self.path = path
    self.size = size
    self.format = format
    self.status = status
    self.reason = reason
    self.rowCount = rowCount
    self.columns = columns
  }
}

/// One column of a structured file: its name, type and statistics over the whole file.
public struct LakeColumn: Sendable, Equatable {
  public var name: String
  /// The column's type as the file declares it (Parquet) or as its values read (CSV, JSON
  /// lines): `integer`, `decimal`, `date`, `timestamp`, `string`, or a format's own name.
  public var type: String
  /// The smallest and largest non-null values; nil when unknown, which a filter treats as
  /// "may match".
  public var min: TypedValue?
  public var max: TypedValue?
  /// Null values in the column; nil when unknown.
  public var nullCount: Int64?

  public init(
    name: String, type: String, min: TypedValue? = nil, max: TypedValue? = nil,
    nullCount: Int64? = nil
  ) {
    self.name = name
    self.type = type
    self.min = min
    self.max = max
    self.nullCount = nullCount
  }
}
