extension ParquetMetadata {
  /// Decodes a footer: the Thrift compact `FileMetaData` that precedes a file's last 8 bytes
  /// (see ``ParquetFooter``). Bytes after the `FileMetaData` (a signature of a signed plain
  /// footer) are ignored.
  ///
  /// Throws a ``ParquetError``: `limitExceeded` for a footer past `limits`, `truncated` or
  /// `malformed` for bytes that are not a `FileMetaData`, a required field missing, row
  /// groups whose column chunks do not match the schema's leaf columns, or a schema whose
  /// `num_children` do not make one tree (see ``ParquetColumn``). Never traps, for any input.
  public init(footer: some Collection<UInt8>, limits: ParquetLimits = ParquetLimits())
    throws(ParquetError)
  {
    let count = footer.count
    guard count <= limits.maxFooterBytes else {
      throw ParquetError(
        .limitExceeded, "footer of \(count) bytes is past the limit of \(limits.maxFooterBytes)")
    }
    var decoder = FooterDecoder(
      reader: ThriftCompactReader(Array(footer), maxDepth: limits.maxNestingDepth),
      limits: limits)
    self = try decoder.fileMetaData()
  }
}

/// Decodes the structs of parquet.thrift that ``ParquetMetadata`` keeps, by field id,
/// skipping every other field; a known field id with an unexpected wire type is skipped too,
/// as Thrift's generated readers do.
struct FooterDecoder {
  var reader: ThriftCompactReader
  let limits: ParquetLimits
  /// Column chunks decoded so far, against `limits.maxColumnChunks`.
  private var chunks = 0

  init(reader: ThriftCompactReader, limits: ParquetLimits) {
    self.reader = reader
    self.limits = limits
  }

  mutating func fileMetaData() throws(ParquetError) -> ParquetMetadata {
    var version: Int32?
    var schema: [ParquetSchemaElement]?
    var rows: Int64?
    var groups: [ParquetRowGroup]?
    var keyValues: [ParquetKeyValue] = []
    var createdBy: String?
    var orders: [ParquetColumnOrder]?
    try reader.beginStruct("FileMetaData")
    while let field = try reader.nextField() {
      switch (field.id, field.type) {
      case (1, .i32): version = try reader.i32()
      case (2, .list):
        schema = try list(.structure, limit: limits.maxSchemaElements, "schema elements") {
          (decoder: inout Self) throws(ParquetError) in try decoder.schemaElement()
        }
      case (3, .i64): rows = try reader.i64()
      case (4, .list):
        groups = try list(.structure, limit: limits.maxRowGroups, "row groups") {
          (decoder: inout Self) throws(ParquetError) in try decoder.rowGroup()
        }
      case (5, .list):
        keyValues = try list(.structure, limit: .max, "key-value pairs") {
          (decoder: inout Self) throws(ParquetError) in try decoder.keyValue()
        }
      case (6, .binary): createdBy = try reader.string()
      case (7, .list):
        orders = try list(.structure, limit: limits.maxColumns, "column orders") {
          (decoder: inout Self) throws(ParquetError) in try decoder.columnOrder()
        }
      default: try reader.skip(field)
      }
    }
    let elements = try required(schema, 2, "schema")
    let metadata = ParquetMetadata(
      version: try required(version, 1, "version"), schema: elements,
      rowCount: try required(rows, 3, "num_rows"), rowGroups: try required(groups, 4, "row_groups"),
      keyValueMetadata: keyValues, createdBy: createdBy, columnOrders: orders,
      columns: try ParquetColumn.leaves(of: elements, limits: limits))
    reader.endStruct()
    try metadata.checkRowGroups()
    return metadata
  }

  mutating func rowGroup() throws(ParquetError) -> ParquetRowGroup {
    var columns: [ParquetColumnChunk]?
    var totalByteSize: Int64?
    var rows: Int64?
    try reader.beginStruct("RowGroup")
    while let field = try reader.nextField() {
      switch (field.id, field.type) {
      case (1, .list):
        columns = try list(.structure, limit: limits.maxColumns, "column chunks") {
          (decoder: inout Self) throws(ParquetError) in try decoder.columnChunk()
        }
      case (2, .i64): totalByteSize = try reader.i64()
      case (3, .i64): rows = try reader.i64()
      default: try reader.skip(field)
      }
    }
    let group = ParquetRowGroup(
      columns: try required(columns, 1, "columns"),
      totalByteSize: try required(totalByteSize, 2, "total_byte_size"),
      rowCount: try required(rows, 3, "num_rows"))
    reader.endStruct()
    return group
  }

  mutating func columnChunk() throws(ParquetError) -> ParquetColumnChunk {
    chunks += 1
    guard chunks <= limits.maxColumnChunks else {
      throw reader.error(
        .limitExceeded, "more than \(limits.maxColumnChunks) column chunks in the file")
    }
    // file_offset is required with a default of 0 and deprecated; writers that leave it out
    // are accepted.
    var chunk = ParquetColumnChunk(filePath: nil, fileOffset: 0, metaData: nil)
    try reader.beginStruct("ColumnChunk")
    while let field = try reader.nextField() {
      switch (field.id, field.type) {
      case (1, .binary): chunk.filePath = try reader.string()
      case (2, .i64): chunk.fileOffset = try reader.i64()
      case (3, .structure): chunk.metaData = try columnMetaData()
      default: try reader.skip(field)
      }
    }
    reader.endStruct()
    return chunk
  }

  mutating func keyValue() throws(ParquetError) -> ParquetKeyValue {
    var key: String?
    var value: String?
    try reader.beginStruct("KeyValue")
    while let field = try reader.nextField() {
      switch (field.id, field.type) {
      case (1, .binary): key = try reader.string()
      case (2, .binary): value = try reader.string()
      default: try reader.skip(field)
      }
    }
    let pair = ParquetKeyValue(key: try required(key, 1, "key"), value: value)
    reader.endStruct()
    return pair
  }

  /// The `ColumnOrder` union: the first member set, `unrecognized` for members this reader
  /// does not know (or none).
  mutating func columnOrder() throws(ParquetError) -> ParquetColumnOrder {
    var order: ParquetColumnOrder?
    try reader.beginStruct("ColumnOrder")
    while let field = try reader.nextField() {
      try reader.skip(field)  // every member is an empty struct
      guard order == nil else { continue }
      switch (field.id, field.type) {
      case (1, .structure): order = .typeDefined
      case (2, .structure): order = .ieee754TotalOrder
      case (3, .structure): order = .int96Timestamp
      default: order = .unrecognized(field.id)
      }
    }
    reader.endStruct()
    return order ?? .unrecognized(0)
  }

  // MARK: Helpers

  /// A list of `type` elements read with `element`; at most `limit` of them, and no more
  /// than the bytes left could hold (checked before reading any).
  mutating func list<Element>(
    _ type: ThriftType, limit: Int, _ what: String,
    _ element: (inout Self) throws(ParquetError) -> Element
  ) throws(ParquetError) -> [Element] {
    let (found, count) = try reader.listHeader()
    guard found == type || count == 0 else {
      throw reader.error(.malformed, "list of \(what) holds \(found) values")
    }
    guard count <= limit else {
      throw reader.error(.limitExceeded, "\(count) \(what) is past the limit of \(limit)")
    }
    var elements: [Element] = []
    for index in 0..<count {
      reader.reading(element: index)
      elements.append(try element(&self))
    }
    return elements
  }

  /// `value`, or an error naming the missing required field of the current struct.
  func required<Value>(_ value: Value?, _ id: Int16, _ name: String) throws(ParquetError)
    -> Value
  {
    guard let value else {
      throw reader.error(.malformed, "missing required field \(id) (\(name))")
    }
    return value
  }
}
