/// How a partition column's values compare: as numbers or ISO dates where every value of the
/// column parses as one, as text otherwise.
public enum PartitionType: String, Sendable, Hashable, CaseIterable {
  /// Whole numbers that fit 64 bits, optionally signed (`05` is 5).
  case integer
  /// Decimal numbers (`1.5`, `-2`, `3e2`); integers are decimals too.
  case decimal
  /// ISO 8601 calendar dates, `YYYY-MM-DD`.
  case date
  /// ISO 8601 date and time, `YYYY-MM-DD` then `T` or a space, `HH:MM[:SS[.fraction]]` and
  /// optionally `Z` or `±HH:MM`; dates are timestamps at midnight UTC.
  case timestamp
  /// Anything else, compared byte by byte.
  case string

  /// The narrowest type every non-null value parses as; `string` when there is none.
  public static func infer<Values: Sequence>(_ values: Values) -> PartitionType
  where Values.Element == String? {
    var candidates: [PartitionType] = [.integer, .decimal, .date, .timestamp]
    var any = false
    for case let value? in values {
      any = true
      candidates.removeAll { $0.parse(value) == nil }
      if candidates.isEmpty { return .string }
    }
    return any ? candidates[0] : .string
  }

  /// `text` as a value of this type, or nil when it is not one.
  public func parse(_ text: String) -> TypedValue? {
    switch self {
    case .integer: ISOText.integer(text).map(TypedValue.integer)
    case .decimal: ISOText.decimal(text).map(TypedValue.decimal)
    case .date: ISOText.date(text).map(TypedValue.date)
    case .timestamp: ISOText.timestamp(text).map(TypedValue.timestamp)
    case .string: .string(text)
    }
  }
}

/// A partition value of a known type, ordered as that type orders.
public enum TypedValue: Sendable, Hashable, Comparable {
  case integer(Int64)
  case decimal(Double)
  /// Days since 1970-01-01.
  case date(Int64)
  /// Microseconds since 1970-01-01T00:00:00Z.
  case timestamp(Int64)
  case string(String)

  /// Values of one type compare by value; values of different types by the order of the cases.
  public static func < (lhs: TypedValue, rhs: TypedValue) -> Bool {
    switch (lhs, rhs) {
    case (.integer(let a), .integer(let b)): a < b
    case (.decimal(let a), .decimal(let b)): a < b
    case (.date(let a), .date(let b)): a < b
    case (.timestamp(let a), .timestamp(let b)): a < b
    case (.string(let a), .string(let b)): Array(a.utf8).lexicographicallyPrecedes(b.utf8)
    default: lhs.rank < rhs.rank
    }
  }

  private var rank: Int {
    switch self {
    case .integer: 0
    case .decimal: 1
    case .date: 2
    case .timestamp: 3
    case .string: 4
    }
  }
}

/// Strict parsers for the text forms partition values take.
enum ISOText {
  static func integer(_ text: String) -> Int64? { withBytes(text, integer(bytes:)) }

  static func decimal(_ text: String) -> Double? { withBytes(text, decimal(bytes:)) }

  static func date(_ text: String) -> Int64? { withBytes(text, date(bytes:)) }

  static func timestamp(_ text: String) -> Int64? { withBytes(text, timestamp(bytes:)) }

  /// `parse` applied to the text's UTF-8 bytes.
  private static func withBytes<T>(_ text: String, _ parse: (Bytes) -> T) -> T {
    var text = text
    return text.withUTF8(parse)
  }

  /// The bytes the parsers read: a field in place, in the scanner's buffer.
  typealias Bytes = UnsafeBufferPointer<UInt8>

  /// `[+-]digits` that fit 64 bits.
  static func integer(bytes: Bytes) -> Int64? {
    var index = 0
    var negative = false
    if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
      negative = sign == UInt8(ascii: "-")
      index = 1
    }
    guard index < bytes.count else { return nil }
    var value: Int64 = 0
    for byte in bytes[index...] {
      guard let digit = digit(byte) else { return nil }
      let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (next, overflow2) =
        negative
        ? times.subtractingReportingOverflow(Int64(digit))
        : times.addingReportingOverflow(Int64(digit))
      guard !overflow1, !overflow2 else { return nil }
      value = next
    }
    return value
  }

  /// `[+-]digits[.digits][e[+-]digits]` or `[+-].digits...`, finite.
  ///
  /// One pass: a decimal of at most 15 digits without exponent is read as `strtod` reads it,
  /// without `strtod`: its digits as an integer are exact in a Double, as is 10^k for
  /// k <= 22, so one correctly rounded division gives the correctly rounded value (Clinger's
  /// fast path). Anything longer goes to `Double(String)`.
  static func decimal(bytes: Bytes) -> Double? {
    var index = 0
    var negative = false
    if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
      negative = bytes[index] == UInt8(ascii: "-")
      index += 1
    }
    // Wrapping: past 15 digits the mantissa is not used.
    var mantissa: Int64 = 0
    var whole = 0
    while index < bytes.count, let digit = digit(bytes[index]) {
      mantissa = mantissa &* 10 &+ Int64(digit)
      whole += 1
      index += 1
    }
    var fraction = 0
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      while index < bytes.count, let digit = digit(bytes[index]) {
        mantissa = mantissa &* 10 &+ Int64(digit)
        fraction += 1
        index += 1
      }
    }
    guard whole + fraction > 0 else { return nil }
    if index == bytes.count, whole + fraction <= 15 {
      let value = Double(mantissa) / powersOfTen[fraction]
      return negative ? -value : value
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
      {
        index += 1
      }
      guard digits(bytes, from: &index) > 0 else { return nil }
    }
    guard index == bytes.count, let value = Double(String(decoding: bytes, as: UTF8.self)),
      value.isFinite
    else { return nil }
    return value
  }

  private static let powersOfTen: [Double] = [
    1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  ]

  /// `YYYY-MM-DD` as days since 1970-01-01.
  static func date(bytes: Bytes) -> Int64? {
    guard bytes.count == 10, let days = date(bytes, at: 0) else { return nil }
    return days
  }

  /// A date, or a date and a time, as microseconds since the epoch (UTC).
  static func timestamp(bytes: Bytes) -> Int64? {
    guard bytes.count >= 10, let days = date(bytes, at: 0) else { return nil }
    var micros = days * 86_400_000_000
    if bytes.count == 10 { return micros }
    guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes.count >= 16,
      let hour = number(bytes, 11, 2), hour < 24, bytes[13] == UInt8(ascii: ":"),
      let minute = number(bytes, 14, 2), minute < 60
    else { return nil }
    var index = 16
    var second: Int64 = 0
    var fraction: Int64 = 0
    if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
      guard let value = number(bytes, index + 1, 2), value < 60 else { return nil }
      second = value
      index += 3
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        var scale: Int64 = 100_000
        let start = index
        while index < bytes.count, let digit = digit(bytes[index]) {
          if scale > 0 {
            fraction += Int64(digit) * scale
            scale /= 10
          }
          index += 1
        }
        guard index > start, index - start <= 9 else { return nil }
      }
    }
    var offset: Int64 = 0
    if index < bytes.count {
      if bytes[index] == UInt8(ascii: "Z") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
        guard bytes.count == index + 6, let hours = number(bytes, index + 1, 2), hours < 24,
          bytes[index + 3] == UInt8(ascii: ":"), let minutes = number(bytes, index + 4, 2),
          minutes < 60
        else { return nil }
        offset = (hours * 60 + minutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        index += 6
      }
    }
    guard index == bytes.count else { return nil }
    micros += ((hour * 60 + minute) * 60 + second - offset) * 1_000_000 + fraction
    return micros
  }

  /// `YYYY-MM-DD` at `start` as days since 1970-01-01 (proleptic Gregorian).
  private static func date(_ bytes: Bytes, at start: Int) -> Int64? {
    guard start >= 0, start + 10 <= bytes.count, bytes[start + 4] == UInt8(ascii: "-"),
      bytes[start + 7] == UInt8(ascii: "-")
    else { return nil }
    // Each byte's digit value; a byte below "0" wraps past 9.
    let zero = UInt8(ascii: "0")
    let y0 = bytes[start] &- zero
    let y1 = bytes[start + 1] &- zero
    let y2 = bytes[start + 2] &- zero
    let y3 = bytes[start + 3] &- zero
    let m0 = bytes[start + 5] &- zero
    let m1 = bytes[start + 6] &- zero
    let d0 = bytes[start + 8] &- zero
    let d1 = bytes[start + 9] &- zero
    guard y0 <= 9, y1 <= 9, y2 <= 9, y3 <= 9, m0 <= 9, m1 <= 9, d0 <= 9, d1 <= 9 else {
      return nil
    }
    let year = Int64(y0) * 1000 + Int64(y1) * 100 + Int64(y2) * 10 + Int64(y3)
    let month = Int64(m0) * 10 + Int64(m1)
    let day = Int64(d0) * 10 + Int64(d1)
    guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else {
      return nil
    }
    // Days from civil (Howard Hinnant's algorithm), years 0000-9999 only, so no overflow.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  private static func daysIn(month: Int64, year: Int64) -> Int64 {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// `count` decimal digits at `start`, or nil.
  private static func number(_ bytes: Bytes, _ start: Int, _ count: Int) -> Int64? {
    guard start >= 0, start + count <= bytes.count else { return nil }
    var value: Int64 = 0
    for byte in bytes[start..<(start + count)] {
      guard let digit = digit(byte) else { return nil }
      value = value * 10 + Int64(digit)
    }
    return value
  }

  private static func digits(_ bytes: Bytes, from index: inout Int) -> Int {
    let start = index
    while index < bytes.count, digit(bytes[index]) != nil { index += 1 }
    return index - start
  }

  private static func digit(_ byte: UInt8) -> UInt8? {
    let value = byte &- UInt8(ascii: "0")  // below "0" wraps past 9
    return value <= 9 ? value : nil
  }
}
