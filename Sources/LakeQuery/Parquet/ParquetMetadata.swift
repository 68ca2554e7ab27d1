/// A Parquet file's footer, decoded: the Thrift `FileMetaData` of parquet.thrift
/// (https://github.com/apache/parquet-format), without its encryption and index fields,
/// plus the schema flattened into leaf ``columns``.
///
/// Made with ``init(footer:limits:)`` from the footer's bytes (``ParquetFooter`` finds them
/// at the end of a file); nothing of the data pages is read. Fields that this reader does
/// not know, of any type, are skipped, so footers of newer writers still decode.
public struct ParquetMetadata: Sendable, Hashable {
  /// The format version the writer declares (1 or 2).
  public let version: Int32
  /// The schema elements, depth first, the root first (parquet.thrift `SchemaElement`).
  public let schema: [ParquetSchemaElement]
  /// The rows of the file, as the writer declares them.
  public let rowCount: Int64
  public let rowGroups: [ParquetRowGroup]
  /// Application metadata, in file order (pyarrow keeps its schema in `ARROW:schema`).
  public let keyValueMetadata: [ParquetKeyValue]
  /// The writing application, e.g. `parquet-cpp-arrow version 26.0.1`.
  public let createdBy: String?
  /// The order of each leaf column's `min_value` and `max_value`, in column order, when
  /// the writer recorded them (without them, their order is that of the column's type).
  public let columnOrders: [ParquetColumnOrder]?
  /// The leaf columns of ``schema``, in the order of every row group's column chunks.
  public let columns: [ParquetColumn]
}

/// One node of the schema: a group (`type` nil, `childCount` set) or a leaf column.
public struct ParquetSchemaElement: Sendable, Hashable {
  /// The physical type; nil for a group.
  public var type: ParquetPhysicalType?
  /// The byte length of a `FIXED_LEN_BYTE_ARRAY` (or a bit length hint for others).
  public var typeLength: Int32?
  /// Nil only for the root.
  public var repetition: ParquetRepetition?
  public var name: String
  /// The number of children of a group; nil for a leaf.
  public var childCount: Int32?
  /// The deprecated `converted_type` code, as written (see ``ParquetLogicalType``).
  public var convertedType: Int32?
  /// The deprecated decimal scale and precision of `converted_type` `DECIMAL`.
  public var scale: Int32?
  public var precision: Int32?
  /// The field id of the writer's schema (Iceberg's, for example).
  public var fieldID: Int32?
  /// The `logicalType` union as written; see ``ParquetColumn/logicalType`` for the type
  /// that also takes `convertedType` into account.
  public var logicalType: ParquetLogicalType?

  public init(name: String) {
    self.name = name
  }
}

/// One row group: a horizontal slice of the file with one chunk per leaf column.
public struct ParquetRowGroup: Sendable, Hashable {
  /// One chunk per leaf column, in the order of ``ParquetMetadata/columns``.
  public var columns: [ParquetColumnChunk]
  /// The uncompressed bytes of all its column data.
  public var totalByteSize: Int64
  public var rowCount: Int64
}

/// A column's data within one row group.
public struct ParquetColumnChunk: Sendable, Hashable {
  /// Where the chunk lives when not in this file (summary `_metadata` files).
  public var filePath: String?
  /// Deprecated offset of a copy of the metadata.
  public var fileOffset: Int64
  /// Nil for a chunk whose metadata is encrypted.
  public var metaData: ParquetColumnMetaData?
}

/// The metadata of one column chunk (parquet.thrift `ColumnMetaData`; its encodings,
/// page offsets other than the first data page's, and index and bloom filter fields are
/// skipped).
public struct ParquetColumnMetaData: Sendable, Hashable {
  public var type: ParquetPhysicalType
  /// The column's names from below the root to the leaf.
  public var pathInSchema: [String]
  /// The compression codec code (0 none, 1 Snappy, 2 gzip, 3 LZO, 4 Brotli, 5 LZ4, 6 Zstd,
  /// 7 LZ4 raw).
  public var codec: Int32
  /// Values in the chunk, nulls and repeated values included.
  public var valueCount: Int64
  public var totalUncompressedSize: Int64
  public var totalCompressedSize: Int64
  public var dataPageOffset: Int64
  public var statistics: ParquetStatistics?
}

/// The statistics of one column chunk as written: PLAIN-encoded bounds (byte arrays without
/// their length prefix). ``ParquetMetadata/columnStatistics()`` decodes them.
public struct ParquetStatistics: Sendable, Hashable {
  /// Deprecated bounds, ordered by signed comparison whatever the type (fields 1 and 2).
  public var legacyMax: [UInt8]?
  public var legacyMin: [UInt8]?
  public var nullCount: Int64?
  public var distinctCount: Int64?
  /// Bounds in the column's order (fields 5 and 6); they may be shorter values than any in
  /// the chunk (a string prefix, say) but are still bounds.
  public var maxValue: [UInt8]?
  public var minValue: [UInt8]?
  /// False when a bound is not a value of the chunk; it is a bound all the same.
  public var isMaxValueExact: Bool?
  public var isMinValueExact: Bool?
  public var nanCount: Int64?

  public init() {}
}

/// One `key_value_metadata` entry.
public struct ParquetKeyValue: Sendable, Hashable {
  public var key: String
  public var value: String?

  public init(key: String, value: String?) {
    self.key = key
    self.value = value
  }
}
