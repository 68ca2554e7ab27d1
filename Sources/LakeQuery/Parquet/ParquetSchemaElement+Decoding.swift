extension FooterDecoder {
  mutating func schemaElement() throws(ParquetError) -> ParquetSchemaElement {
    var name: String?
    var element = ParquetSchemaElement(name: "")
    try reader.beginStruct("SchemaElement")
    while let field = try reader.nextField() {
      switch (field.id, field.type) {
      case (1, .i32): element.type = ParquetPhysicalType(code: try reader.i32())
      case (2, .i32): element.typeLength = try reader.i32()
      case (3, .i32): element.repetition = ParquetRepetition(code: try reader.i32())
      case (4, .binary): name = try reader.string()
      case (5, .i32): element.childCount = try reader.i32()
      case (6, .i32): element.convertedType = try reader.i32()
      case (7, .i32): element.scale = try reader.i32()
      case (8, .i32): element.precision = try reader.i32()
      case (9, .i32): element.fieldID = try reader.i32()
      case (10, .structure): element.logicalType = try logicalType()
      default: try reader.skip(field)
      }
    }
    element.name = try required(name, 4, "name")
    reader.endStruct()
    return element
  }

  /// The `LogicalType` union: its first member (nil when none is set), `unrecognized` for a
  /// member this reader does not know or a time unit it does not know.
  mutating func logicalType() throws(ParquetError) -> ParquetLogicalType? {
    var type: ParquetLogicalType?
    try reader.beginStruct("LogicalType")
    while let field = try reader.nextField() {
      guard type == nil, field.type == .structure else {
        try reader.skip(field)
        continue
      }
      switch field.id {
      case 5: type = try decimalType()
      case 7:
        let (unit, utc) = try timeType("TimeType")
        type = unit.map { .time(unit: $0, adjustedToUTC: utc) } ?? .unrecognized(7)
      case 8:
        let (unit, utc) = try timeType("TimestampType")
        type = unit.map { .timestamp(unit: $0, adjustedToUTC: utc) } ?? .unrecognized(8)
      case 10: type = try intType()
      default:
        try reader.skip(field)  // the other members are structs without fields we use
        type = Self.emptyLogicalTypes[field.id] ?? .unrecognized(field.id)
      }
    }
    reader.endStruct()
    return type
  }

  /// The members of the `LogicalType` union whose structs carry nothing this reader keeps.
  private static let emptyLogicalTypes: [Int16: ParquetLogicalType] = [
    1: .string, 2: .map, 3: .list, 4: .enum, 6: .date, 11: .null, 12: .json, 13: .bson,
    14: .uuid, 15: .float16, 16: .variant, 17: .geometry, 18: .geography,
  ]

  private mutating func decimalType() throws(ParquetError) -> ParquetLogicalType {
    var scale: Int32?
    var precision: Int32?
    try reader.beginStruct("DecimalType")
    while let field = try reader.nextField() {
      switch (field.id, field.type) {
      case (1, .i32): scale = try reader.i32()
      case (2, .i32): precision = try reader.i32()
      default: try reader.skip(field)
      }
    }
    let type = ParquetLogicalType.decimal(
      precision: try required(precision, 2, "precision"), scale: try required(scale, 1, "scale"))
    reader.endStruct()
    return type
  }

  /// A `TimeType` or `TimestampType`: the unit (nil when not one this reader knows) and
  /// `isAdjustedToUTC`.
  private mutating func timeType(_ name: StaticString) throws(ParquetError) -> (
    ParquetTimeUnit?, Bool
  ) {
    var utc: Bool?
    var unit: ParquetTimeUnit??
    try reader.beginStruct(name)
    while let field = try reader.nextField() {
      switch (field.id, field.type) {
      case (1, .bool): utc = try reader.bool(field)
      case (2, .structure): unit = .some(try timeUnit())
      default: try reader.skip(field)
      }
    }
    let result = (try required(unit, 2, "unit"), try required(utc, 1, "isAdjustedToUTC"))
    reader.endStruct()
    return result
  }

  private mutating func timeUnit() throws(ParquetError) -> ParquetTimeUnit? {
    var unit: ParquetTimeUnit?
    var seen = false
    try reader.beginStruct("TimeUnit")
    while let field = try reader.nextField() {
      try reader.skip(field)  // MilliSeconds, MicroSeconds, NanoSeconds are empty structs
      guard !seen, field.type == .structure else { continue }
      seen = true
      unit = [1: .millis, 2: .micros, 3: .nanos][field.id]
    }
    reader.endStruct()
    return unit
  }

  private mutating func intType() throws(ParquetError) -> ParquetLogicalType {
    var bitWidth: Int8?
    var signed: Bool?
    try reader.beginStruct("IntType")
    while let field = try reader.nextField() {
      switch (field.id, field.type) {
      case (1, .byte): bitWidth = Int8(bitPattern: try reader.byte())
      case (2, .bool): signed = try reader.bool(field)
      default: try reader.skip(field)
      }
    }
    let type = ParquetLogicalType.integer(
      bitWidth: try required(bitWidth, 1, "bitWidth"), signed: try required(signed, 2, "isSigned"))
    reader.endStruct()
    return type
  }
}
