/// Decodes a column chunk's PLAIN-encoded statistics bounds into ``TypedValue``s, by the
/// column's physical and logical type:
///
/// - BOOLEAN: `integer` 0 or 1;
/// - INT32, INT64: `integer` (unsigned logical integers read as unsigned, dropped past
///   `Int64.max`; times of day in their unit); DATE: `date`; TIMESTAMP: `timestamp` in
///   microseconds (milliseconds multiplied, dropped on overflow; nanoseconds divided, floor);
/// - FLOAT, DOUBLE: `decimal`, NaN dropped;
/// - DECIMAL on INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY (big-endian two's
///   complement): `decimal`, the unscaled value divided by 10^scale;
/// - BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY as STRING, ENUM or JSON: `string` when valid UTF-8;
/// - anything else (INT96, plain binary, UUID, FLOAT16, intervals): no bounds.
///
/// `min_value`/`max_value` are used; the deprecated `min`/`max` only when those are absent
/// and the type's legacy signed order is its true order (BOOLEAN, INT32, INT64, FLOAT,
/// DOUBLE, unless unsigned or decimal), never for byte arrays or decimals. An inexact bound
/// (`is_min_value_exact` false) is still a bound and is kept; a min above the max drops both.
struct StatisticsDecoder {
  let column: ParquetColumn
  /// The column's entry of `column_orders`, if the writer recorded them.
  let order: ParquetColumnOrder?

  func bounds(_ statistics: ParquetStatistics) -> (min: TypedValue?, max: TypedValue?) {
    let legacy = legacyOrderIsTrue
    let typeOrder = order.map { if case .unrecognized = $0 { false } else { true } } ?? true
    let min = bound(typeOrder ? statistics.minValue : nil, legacy ? statistics.legacyMin : nil)
    let max = bound(typeOrder ? statistics.maxValue : nil, legacy ? statistics.legacyMax : nil)
    if let min, let max, max < min { return (nil, nil) }
    return (min, max)
  }

  /// `current` decoded when present, else `legacy` decoded.
  private func bound(_ current: [UInt8]?, _ legacy: [UInt8]?) -> TypedValue? {
    if let current { return value(current) }
    return legacy.flatMap(value)
  }

  /// Signed comparison, what the deprecated `min`/`max` were computed with, is the column's
  /// order.
  private var legacyOrderIsTrue: Bool {
    switch column.physicalType {
    case .boolean, .int32, .int64, .float, .double: break
    default: return false
    }
    switch column.logicalType {
    case nil, .date?, .time?, .timestamp?, .integer(_, signed: true)?: return true
    default: return false
    }
  }

  /// One PLAIN-encoded value as a ``TypedValue``, or nil.
  func value(_ bytes: [UInt8]) -> TypedValue? {
    switch column.physicalType {
    case .boolean:
      guard bytes.count == 1, bytes[0] <= 1 else { return nil }
      return column.logicalType == nil ? .integer(Int64(bytes[0])) : nil
    case .int32:
      guard bytes.count == 4 else { return nil }
      let raw = UInt32(truncatingIfNeeded: Self.littleEndian(bytes))
      return integer(Int64(Int32(bitPattern: raw)), unsigned: Int64(raw))
    case .int64:
      guard bytes.count == 8 else { return nil }
      let raw = Self.littleEndian(bytes)
      let signed = Int64(bitPattern: raw)
      return integer(signed, unsigned: raw <= UInt64(Int64.max) ? signed : nil)
    case .float:
      guard bytes.count == 4, column.logicalType == nil else { return nil }
      let value = Float(bitPattern: UInt32(truncatingIfNeeded: Self.littleEndian(bytes)))
      return value.isNaN ? nil : .decimal(Double(value))
    case .double:
      guard bytes.count == 8, column.logicalType == nil else { return nil }
      let value = Double(bitPattern: Self.littleEndian(bytes))
      return value.isNaN ? nil : .decimal(value)
    case .byteArray, .fixedLenByteArray:
      switch column.logicalType {
      case .string?, .enum?, .json?:
        return String(validating: bytes, as: UTF8.self).map(TypedValue.string)
      case .decimal(_, let scale)?:
        return Self.bigEndianSigned(bytes).flatMap { Self.decimal($0, scale: scale) }
      default: return nil
      }
    case .int96, .unknown: return nil
    }
  }

  /// An INT32 or INT64 value by the logical type; `unsigned` is the value read as unsigned
  /// (nil when it does not fit `Int64`).
  private func integer(_ signed: Int64, unsigned: Int64?) -> TypedValue? {
    switch column.logicalType {
    case nil, .integer(_, signed: true)?, .time?: return .integer(signed)
    case .integer(_, signed: false)?: return unsigned.map(TypedValue.integer)
    case .date?: return column.physicalType == .int32 ? .date(signed) : nil
    case .timestamp(let unit, _)? where column.physicalType == .int64:
      switch unit {
      case .micros: return .timestamp(signed)
      case .millis:
        let (micros, overflow) = signed.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : .timestamp(micros)
      case .nanos:
        let (quotient, remainder) = signed.quotientAndRemainder(dividingBy: 1000)
        return .timestamp(remainder < 0 ? quotient - 1 : quotient)
      }
    case .decimal(_, let scale)?: return Self.decimal(Double(signed), scale: scale)
    default: return nil
    }
  }

  /// Up to 8 little-endian bytes as an unsigned integer.
  private static func littleEndian(_ bytes: [UInt8]) -> UInt64 {
    bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }

  /// A big-endian two's complement integer of any length as a `Double` (exact up to 2^53,
  /// and for any value that fits 8 bytes correctly rounded); nil when empty.
  static func bigEndianSigned(_ bytes: [UInt8]) -> Double? {
    guard let first = bytes.first else { return nil }
    let negative = first & 0x80 != 0
    // Leading bytes that only repeat the sign.
    var digits = bytes[...]
    while digits.count > 1, digits[digits.startIndex] == (negative ? 0xFF : 0x00),
      (digits[digits.startIndex + 1] & 0x80 != 0) == negative
    {
      digits = digits.dropFirst()
    }
    if digits.count <= 8 {
      let value = digits.reduce(negative ? Int64(-1) : 0) { $0 << 8 | Int64($1) }
      return Double(value)
    }
    // The ones' complement of a negative value is its magnitude minus one.
    let magnitude = digits.reduce(0.0) { $0 * 256 + Double(negative ? ~$1 : $1) }
    return negative ? -(magnitude + 1) : magnitude
  }

  /// `unscaled` / 10^`scale` when the scale is valid (0 to 308) and the result finite.
  static func decimal(_ unscaled: Double, scale: Int32) -> TypedValue? {
    guard (0...308).contains(scale) else { return nil }
    var divisor = 1.0
    for _ in 0..<scale { divisor *= 10 }
    let value = unscaled / divisor
    return value.isFinite ? .decimal(value) : nil
  }
}
