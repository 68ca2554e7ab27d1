import Foundation

extension S3Date {
  /// Parses `yyyyMMddTHHmmssZ` (the SigV4 `x-amz-date` form). Returns nil for anything else,
  /// including an impossible calendar date; never traps, whatever the input.
  public static func parseAmzDate(_ text: String) -> Date? {
    let b = Array(text.utf8)
    guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z"),
      let year = number(b[0..<4], exactly: 4), let month = number(b[4..<6], exactly: 2),
      let day = number(b[6..<8], exactly: 2), let hour = number(b[9..<11], exactly: 2),
      let minute = number(b[11..<13], exactly: 2), let second = number(b[13..<15], exactly: 2)
    else { return nil }
    return makeDate(
      year: year, month: month, day: day, hour: hour, minute: minute, second: second)
  }

  /// Parses an HTTP date in any of the three forms RFC 9110 §5.6.7 requires recipients to accept
  /// (IMF-fixdate, RFC 850, asctime), and the ISO 8601 / amz forms some clients send instead.
  ///
  /// Years have at most four digits (RFC 850's two-digit years are read as 1970-2069), so
  /// every date this returns lies in years 0-9999. Returns nil for anything else; never traps.
  public static func parseHTTPDate(_ text: String) -> Date? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard trimmed.utf8.count <= 64 else { return nil }
    if let date = parseAmzDate(trimmed) { return date }
    let parts = trimmed.utf8.split(whereSeparator: {
      $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ",")
    })
    // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    if parts.count == 6, parts[5].elementsEqual("GMT".utf8), let day = number(parts[1], upTo: 2),
      let mon = month(parts[2]), let year = number(parts[3], exactly: 4),
      let (h, m, s) = clock(parts[4])
    {
      return makeDate(year: year, month: mon, day: day, hour: h, minute: m, second: s)
    }
    // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    if parts.count == 4, parts[3].elementsEqual("GMT".utf8) {
      let dmy = parts[1].split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
      if dmy.count == 3, let day = number(dmy[0], upTo: 2), let mon = month(dmy[1]),
        var year = number(dmy[2], exactly: 2) ?? number(dmy[2], exactly: 4),
        let (h, m, s) = clock(parts[2])
      {
        if dmy[2].count == 2 { year += year < 70 ? 2000 : 1900 }
        return makeDate(year: year, month: mon, day: day, hour: h, minute: m, second: s)
      }
    }
    // asctime: Sun Nov  6 08:49:37 1994
    if parts.count == 5, let mon = month(parts[1]), let day = number(parts[2], upTo: 2),
      let (h, m, s) = clock(parts[3]), let year = number(parts[4], exactly: 4)
    {
      return makeDate(year: year, month: mon, day: day, hour: h, minute: m, second: s)
    }
    // ISO 8601: 2013-05-24T00:00:00Z, optionally with fractional seconds.
    let b = Array(trimmed.utf8)
    if b.count >= 20, b.count <= 30, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
      b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
      b.last == UInt8(ascii: "Z"),
      b.count == 20
        || (b[19] == UInt8(ascii: ".") && number(b[20..<(b.count - 1)], upTo: 9) != nil),
      let year = number(b[0..<4], exactly: 4), let month = number(b[5..<7], exactly: 2),
      let day = number(b[8..<10], exactly: 2), let hour = number(b[11..<13], exactly: 2),
      let minute = number(b[14..<16], exactly: 2), let second = number(b[17..<19], exactly: 2)
    {
      return makeDate(
        year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
    return nil
  }

  /// Parses the ISO 8601 form of S3 documents, `2009-10-12T17:50:30.000Z` (0 to 9 fraction
  /// digits; `Z` or an offset such as `+00:00`, which some documentation examples show), to
  /// the nearest millisecond: what ``iso8601(_:)`` writes parses back to the same `Date`,
  /// and that `Date` formats to the same text. Returns nil for anything else, including an
  /// impossible calendar date or an instant outside years 0...9999; never traps.
  public static func parseISO8601(_ text: String) -> Date? {
    let b = Array(text.utf8)
    guard b.count >= 20, b.count <= 40, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
      b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
      let year = number(b[0..<4], exactly: 4), let month = number(b[5..<7], exactly: 2),
      let day = number(b[8..<10], exactly: 2), let hour = number(b[11..<13], exactly: 2),
      let minute = number(b[14..<16], exactly: 2), let second = number(b[17..<19], exactly: 2),
      let whole = makeDate(
        year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    else { return nil }
    var index = 19
    var nanoseconds = 0
    if b[index] == UInt8(ascii: ".") {
      let start = index + 1
      index = start
      while index < b.count, b[index] >= UInt8(ascii: "0"), b[index] <= UInt8(ascii: "9") {
        index += 1
      }
      guard let fraction = number(b[start..<index], upTo: 9) else { return nil }
      nanoseconds = fraction
      for _ in (index - start)..<9 { nanoseconds *= 10 }
    }
    var offset = 0
    let zone = b[index...]
    if zone.count == 6, zone.first == UInt8(ascii: "+") || zone.first == UInt8(ascii: "-"),
      b[index + 3] == UInt8(ascii: ":"),
      let hours = number(b[(index + 1)..<(index + 3)], exactly: 2), hours <= 23,
      let minutes = number(b[(index + 4)..<(index + 6)], exactly: 2), minutes <= 59
    {
      offset = (hours * 3600 + minutes * 60) * (zone.first == UInt8(ascii: "-") ? -1 : 1)
    } else if !zone.elementsEqual("Z".utf8) {
      return nil
    }
    // Whole milliseconds as an integer first, so the result is the Double nearest ms / 1000.
    let seconds = Int(whole.timeIntervalSince1970) - offset
    let millis = seconds * 1000 + (nanoseconds + 500_000) / 1_000_000
    guard representable.contains(Double(millis) / 1000) else { return nil }
    return Date(timeIntervalSince1970: Double(millis) / 1000)
  }

  /// The decimal value of `bytes` when they are all ASCII digits and there are `1...upTo` of
  /// them (so the value always fits), else nil.
  static func number<C: Collection>(_ bytes: C, upTo maxDigits: Int) -> Int?
  where C.Element == UInt8 {
    guard !bytes.isEmpty, bytes.count <= maxDigits else { return nil }
    var value = 0
    for byte in bytes {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
  }

  /// Like `number(_:upTo:)`, for exactly `digits` digits.
  static func number<C: Collection>(_ bytes: C, exactly digits: Int) -> Int?
  where C.Element == UInt8 {
    bytes.count == digits ? number(bytes, upTo: digits) : nil
  }

  private static func month<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
    months.firstIndex { $0.utf8.elementsEqual(bytes) }.map { $0 + 1 }
  }

  /// `HH:MM:SS`.
  private static func clock<C: Collection>(_ bytes: C) -> (Int, Int, Int)?
  where C.Element == UInt8 {
    let pieces = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
    guard pieces.count == 3, let h = number(pieces[0], exactly: 2),
      let m = number(pieces[1], exactly: 2), let s = number(pieces[2], exactly: 2)
    else { return nil }
    return (h, m, s)
  }

  /// The instant of a proleptic-Gregorian UTC date and time, or nil when a field is out of
  /// range (year 0...9999, a day the month has, 23:59:60 for a leap second at most).
  static func makeDate(
    year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
  ) -> Date? {
    guard (0...9999).contains(year), (1...12).contains(month), (0...23).contains(hour),
      (0...59).contains(minute), (0...60).contains(second)
    else { return nil }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard (1...monthDays[month - 1]).contains(day) else { return nil }
    // Days from 1970-01-01 (H. Hinnant's days_from_civil); all terms stay far inside Int.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
    return Date(timeIntervalSince1970: TimeInterval(seconds))
  }
}
