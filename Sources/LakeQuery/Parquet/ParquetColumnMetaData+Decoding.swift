extension FooterDecoder {
  mutating func columnMetaData() throws(ParquetError) -> ParquetColumnMetaData {
    var type: ParquetPhysicalType?
    var path: [String]?
    var codec: Int32?
    var values: Int64?
    var uncompressed: Int64?
    var compressed: Int64?
    var dataPageOffset: Int64?
    var statistics: ParquetStatistics?
    try reader.beginStruct("ColumnMetaData")
    while let field = try reader.nextField() {
      switch (field.id, field.type) {
      case (1, .i32): type = ParquetPhysicalType(code: try reader.i32())
      case (3, .list):
        path = try list(.binary, limit: limits.maxNestingDepth, "path names") {
          (decoder: inout Self) throws(ParquetError) in try decoder.reader.string()
        }
      case (4, .i32): codec = try reader.i32()
      case (5, .i64): values = try reader.i64()
      case (6, .i64): uncompressed = try reader.i64()
      case (7, .i64): compressed = try reader.i64()
      case (9, .i64): dataPageOffset = try reader.i64()
      case (12, .structure): statistics = try self.statistics()
      default: try reader.skip(field)  // encodings (2) among them: not needed for statistics
      }
    }
    let metaData = ParquetColumnMetaData(
      type: try required(type, 1, "type"), pathInSchema: try required(path, 3, "path_in_schema"),
      codec: try required(codec, 4, "codec"), valueCount: try required(values, 5, "num_values"),
      totalUncompressedSize: try required(uncompressed, 6, "total_uncompressed_size"),
      totalCompressedSize: try required(compressed, 7, "total_compressed_size"),
      dataPageOffset: try required(dataPageOffset, 9, "data_page_offset"),
      statistics: statistics)
    reader.endStruct()
    return metaData
  }

  mutating func statistics() throws(ParquetError) -> ParquetStatistics {
    var statistics = ParquetStatistics()
    try reader.beginStruct("Statistics")
    while let field = try reader.nextField() {
      switch (field.id, field.type) {
      case (1, .binary): statistics.legacyMax = Array(try reader.binary())
      case (2, .binary): statistics.legacyMin = Array(try reader.binary())
      case (3, .i64): statistics.nullCount = try reader.i64()
      case (4, .i64): statistics.distinctCount = try reader.i64()
      case (5, .binary): statistics.maxValue = Array(try reader.binary())
      case (6, .binary): statistics.minValue = Array(try reader.binary())
      case (7, .bool): statistics.isMaxValueExact = try reader.bool(field)
      case (8, .bool): statistics.isMinValueExact = try reader.bool(field)
      case (9, .i64): statistics.nanCount = try reader.i64()
      default: try reader.skip(field)
      }
    }
    reader.endStruct()
    return statistics
  }
}
