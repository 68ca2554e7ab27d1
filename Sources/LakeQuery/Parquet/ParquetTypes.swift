/// How a column's values are stored (parquet.thrift `Type`).
public enum ParquetPhysicalType: Sendable, Hashable {
  case boolean
  case int32
  case int64
  /// Deprecated 12-byte timestamps; never given statistics here.
  case int96
  case float
  case double
  case byteArray
  case fixedLenByteArray
  /// A code this reader does not know (a newer format).
  case unknown(Int32)

  init(code: Int32) {
    self =
      switch code {
      case 0: .boolean
      case 1: .int32
      case 2: .int64
      case 3: .int96
      case 4: .float
      case 5: .double
      case 6: .byteArray
      case 7: .fixedLenByteArray
      default: .unknown(code)
      }
  }
}

/// Whether a field is required, optional or repeated (parquet.thrift `FieldRepetitionType`).
public enum ParquetRepetition: Sendable, Hashable {
  case required
  case optional
  case repeated
  /// A code this reader does not know (`VECTOR` is 3 in newer formats).
  case unknown(Int32)

  init(code: Int32) {
    self =
      switch code {
      case 0: .required
      case 1: .optional
      case 2: .repeated
      default: .unknown(code)
      }
  }
}

/// The unit of a time or timestamp (parquet.thrift `TimeUnit`).
public enum ParquetTimeUnit: Sendable, Hashable {
  case millis
  case micros
  case nanos
}

/// What a column's values mean, from the schema element's `logicalType` or, when that is
/// absent or not understood, its deprecated `converted_type` (as LogicalTypes.md maps them).
public enum ParquetLogicalType: Sendable, Hashable {
  /// UTF-8 text (`STRING`, converted `UTF8`).
  case string
  case map
  case list
  /// UTF-8 enum labels.
  case `enum`
  /// A decimal number, the unscaled integer times 10^-scale.
  case decimal(precision: Int32, scale: Int32)
  /// Days since 1970-01-01.
  case date
  /// Time of day in `unit` since midnight.
  case time(unit: ParquetTimeUnit, adjustedToUTC: Bool)
  /// `unit`s since 1970-01-01T00:00:00 (UTC when `adjustedToUTC`, local wall-clock time
  /// otherwise).
  case timestamp(unit: ParquetTimeUnit, adjustedToUTC: Bool)
  /// An integer of `bitWidth` bits (8, 16, 32 or 64).
  case integer(bitWidth: Int8, signed: Bool)
  /// Only nulls (parquet.thrift calls it `UNKNOWN`).
  case null
  case json
  case bson
  case uuid
  case float16
  /// Converted type `INTERVAL` (no logical type exists for it).
  case interval
  case variant
  case geometry
  case geography
  /// A logical type this reader does not know, by its field id in the `LogicalType` union.
  case unrecognized(Int16)

  /// The logical type a deprecated `ConvertedType` code stands for (LogicalTypes.md, "Legacy
  /// compatibility"); nil for codes without one. `scale` and `precision` are the schema
  /// element's, for `DECIMAL`.
  init?(convertedType code: Int32, scale: Int32?, precision: Int32?) {
    switch code {
    case 0: self = .string
    case 1, 2: self = .map
    case 3: self = .list
    case 4: self = .enum
    case 5: self = .decimal(precision: precision ?? 0, scale: scale ?? 0)
    case 6: self = .date
    case 7: self = .time(unit: .millis, adjustedToUTC: true)
    case 8: self = .time(unit: .micros, adjustedToUTC: true)
    case 9: self = .timestamp(unit: .millis, adjustedToUTC: true)
    case 10: self = .timestamp(unit: .micros, adjustedToUTC: true)
    case 11...14: self = .integer(bitWidth: 8 << Int8(code - 11), signed: false)
    case 15...18: self = .integer(bitWidth: 8 << Int8(code - 15), signed: true)
    case 19: self = .json
    case 20: self = .bson
    case 21: self = .interval
    default: return nil
    }
  }
}

/// The order a column's `min_value` and `max_value` statistics follow (parquet.thrift
/// `ColumnOrder`).
public enum ParquetColumnOrder: Sendable, Hashable {
  /// The order of the column's logical type, or physical type when it has none.
  case typeDefined
  /// IEEE 754 total order, for floating-point columns.
  case ieee754TotalOrder
  /// Chronological order of INT96 timestamps.
  case int96Timestamp
  /// An order this reader does not know: the column's min and max are ignored.
  case unrecognized(Int16)
}
