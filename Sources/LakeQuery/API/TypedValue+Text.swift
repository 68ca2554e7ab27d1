extension TypedValue {
  /// The value as text in the form the query language and the JSON API use: integers and
  /// decimals as numbers, dates as `YYYY-MM-DD`, timestamps as `YYYY-MM-DDTHH:MM:SS.ffffffZ`
  /// (UTC, microseconds), strings as they are.
  public var text: String {
    switch self {
    case .integer(let value): String(value)
    case .decimal(let value): Self.decimalText(value)
    case .date(let days): Self.dateText(days: days)
    case .timestamp(let micros): Self.timestampText(micros: micros)
    case .string(let value): value
    }
  }

  /// A decimal without a needless `.0`; integral values that fit 2^53 are written whole.
  static func decimalText(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
      return String(Int64(value))
    }
    return String(value)
  }

  /// Days since 1970-01-01 as a proleptic Gregorian `YYYY-MM-DD` (civil from days, Howard
  /// Hinnant's algorithm); years outside 0-9999 are written with their sign and digits.
  static func dateText(days: Int64) -> String {
    let (year, month, day) = civil(days: days)
    return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
  }

  static func timestampText(micros: Int64) -> String {
    let (days, rest) = micros.quotientAndRemainder(dividingBy: 86_400_000_000)
    let (day, inDay) = rest < 0 ? (days - 1, rest + 86_400_000_000) : (days, rest)
    let seconds = inDay / 1_000_000
    return dateText(days: day) + "T" + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2)
      + ":" + pad(seconds % 60, 2) + "." + pad(inDay % 1_000_000, 6) + "Z"
  }

  private static func civil(days: Int64) -> (Int64, Int64, Int64) {
    // Clamp to ±100 million years so the arithmetic below cannot overflow.
    let z = min(max(days, -36_524_250_000), 36_524_250_000) + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  private static func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value.magnitude)
    let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
    return value < 0 ? "-" + padded : padded
  }
}
