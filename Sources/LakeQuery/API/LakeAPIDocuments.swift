/// The JSON documents of the catalog API (`/_lake/v1/`), shared by the server, which writes
/// them, and LakeClient, which reads them. Field names are the wire format: never rename one.

/// One object as the catalog's index knows it.
public struct LakeFileDocument: Codable, Sendable, Equatable {
  public var key: String
  public var size: Int64
  /// The catalog sequence number of the version described.
  public var sequence: Int64
  public var dataset: String
  /// The Hive partition values in key order; a null value is Hive's null marker.
  public var partitions: [LakePartitionValueDocument]
  /// `parquet`, `csv`, `tsv`, `jsonl` or `unstructured`.
  public var format: String
  /// `gzip` for compressed files.
  public var compression: String?
  public var contentType: String
  /// `indexed`, `unparsed` (see `reason`) or `unstructured`.
  public var status: String
  public var reason: String?
  public var rows: Int64?
  public var columns: [LakeColumnDocument]?
  /// The object's unquoted ETag and last-modified time (ISO 8601 UTC), in query results.
  public var etag: String?
  public var modified: String?

  public init(
    key: String, size: Int64, sequence: Int64, dataset: String,
    partitions: [LakePartitionValueDocument], format: String, compression: String?,
    contentType: String, status: String, reason: String?, rows: Int64?,
    columns: [LakeColumnDocument]?, etag: String? = nil, modified: String? = nil
  ) {
    self.etag = etag
    self.modified = modified
    self.key = key
    self.size = size
    self.sequence = sequence
    self.dataset = dataset
    self.partitions = partitions
    self.format = format
    self.compression = compression
    self.contentType = contentType
    self.status = status
    self.reason = reason
    self.rows = rows
    self.columns = columns
  }
}

/// A partition column's value in one key.
public struct LakePartitionValueDocument: Codable, Sendable, Equatable {
  public var name: String
  public var value: String?

  public init(name: String, value: String?) {
    self.name = name
    self.value = value
  }
}

/// A column of a structured file with its statistics; `min` and `max` are written as
/// ``TypedValue/text`` (numbers, `YYYY-MM-DD`, ISO timestamps, strings).
public struct LakeColumnDocument: Codable, Sendable, Equatable {
  public var name: String
  public var type: String
  public var min: String?
  public var max: String?
  public var nulls: Int64?

  public init(name: String, type: String, min: String?, max: String?, nulls: Int64?) {
    self.name = name
    self.type = type
    self.min = min
    self.max = max
    self.nulls = nulls
  }
}

/// A dataset of a bucket with its totals and partition columns.
public struct LakeDatasetDocument: Codable, Sendable, Equatable {
  public var name: String
  public var files: Int64
  public var bytes: Int64
  public var rows: Int64
  public var partitions: [LakePartitionColumnDocument]

  public init(
    name: String, files: Int64, bytes: Int64, rows: Int64,
    partitions: [LakePartitionColumnDocument]
  ) {
    self.name = name
    self.files = files
    self.bytes = bytes
    self.rows = rows
    self.partitions = partitions
  }
}

/// A partition column of a dataset: its type (`integer`, `decimal`, `date`, `timestamp` or
/// `string`), how many files have it and how many of those hold Hive's null.
public struct LakePartitionColumnDocument: Codable, Sendable, Equatable {
  public var name: String
  public var type: String
  public var files: Int64
  public var nulls: Int64

  public init(name: String, type: String, files: Int64, nulls: Int64) {
    self.name = name
    self.type = type
    self.files = files
    self.nulls = nulls
  }
}

/// One entry of the change feed.
public struct LakeChangeDocument: Codable, Sendable, Equatable {
  public var sequence: Int64
  /// `put` or `delete`.
  public var op: String
  public var key: String
  public var size: Int64?
  public var etag: String?
  /// When it was committed: ISO 8601 UTC with milliseconds.
  public var time: String

  public init(sequence: Int64, op: String, key: String, size: Int64?, etag: String?, time: String) {
    self.sequence = sequence
    self.op = op
    self.key = key
    self.size = size
    self.etag = etag
    self.time = time
  }
}

/// A page of the change feed: `next` is the sequence number to ask after for the next page
/// (the last one returned, or the request's own when none was).
public struct LakeChangesDocument: Codable, Sendable, Equatable {
  public var changes: [LakeChangeDocument]
  public var next: Int64

  public init(changes: [LakeChangeDocument], next: Int64) {
    self.changes = changes
    self.next = next
  }
}

/// The datasets of a bucket.
public struct LakeDatasetsDocument: Codable, Sendable, Equatable {
  public var datasets: [LakeDatasetDocument]

  public init(datasets: [LakeDatasetDocument]) {
    self.datasets = datasets
  }
}

/// A page of query results; `next`, when set, is the `after` token of the next page.
public struct LakeQueryResultDocument: Codable, Sendable, Equatable {
  public var files: [LakeFileDocument]
  public var next: String?

  public init(files: [LakeFileDocument], next: String?) {
    self.files = files
    self.next = next
  }
}
