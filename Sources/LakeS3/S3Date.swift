import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The date formats S3 uses, formatted and parsed without `DateFormatter` (thread-safe, fast).
public enum S3Date {
  private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  private static let months = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  private static func components(_ date: Date) -> tm {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return parts
  }

  /// Appends `value` as `width` decimal digits (zero-padded) to `out`.
  @inline(__always)
  private static func digits(_ value: Int32, _ width: Int, _ out: inout [UInt8]) {
    var divisor: Int32 = 1
    for _ in 1..<width { divisor &*= 10 }
    var v = value
    while divisor > 0 {
      out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: (v / divisor) % 10))
      v %= divisor
      divisor /= 10
    }
  }

  /// Appends `HH<sep>mm<sep>ss` (no separator when `separator` is nil).
  private static func clock(_ t: tm, separator: UInt8?, _ out: inout [UInt8]) {
    digits(t.tm_hour, 2, &out)
    if let separator { out.append(separator) }
    digits(t.tm_min, 2, &out)
    if let separator { out.append(separator) }
    digits(t.tm_sec, 2, &out)
  }

  private static func text(_ build: (inout [UInt8]) -> Void) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(32)
    build(&out)
    return String(decoding: out, as: UTF8.self)
  }

  /// `20130524T000000Z`, the SigV4 `x-amz-date` form.
  public static func amzDate(_ date: Date) -> String {
    let t = components(date)
    return text { out in
      digits(t.tm_year + 1900, 4, &out)
      digits(t.tm_mon + 1, 2, &out)
      digits(t.tm_mday, 2, &out)
      out.append(UInt8(ascii: "T"))
      clock(t, separator: nil, &out)
      out.append(UInt8(ascii: "Z"))
    }
  }

  /// `20130524`, the SigV4 credential-scope date.
  public static func scopeDate(_ date: Date) -> String { String(amzDate(date).prefix(8)) }

  /// `2009-10-12T17:50:30.000Z`, the form of dates in S3 XML documents.
  public static func iso8601(_ date: Date) -> String {
    let t = components(date)
    let seconds = date.timeIntervalSince1970
    let millis = Int32(((seconds - seconds.rounded(.down)) * 1000).rounded(.down))
    return text { out in
      digits(t.tm_year + 1900, 4, &out)
      out.append(UInt8(ascii: "-"))
      digits(t.tm_mon + 1, 2, &out)
      out.append(UInt8(ascii: "-"))
      digits(t.tm_mday, 2, &out)
      out.append(UInt8(ascii: "T"))
      clock(t, separator: UInt8(ascii: ":"), &out)
      out.append(UInt8(ascii: "."))
      digits(millis, 3, &out)
      out.append(UInt8(ascii: "Z"))
    }
  }

  /// `Fri, 24 May 2013 00:00:00 GMT`, the HTTP date (RFC 9110 §5.6.7 IMF-fixdate).
  public static func httpDate(_ date: Date) -> String {
    let t = components(date)
    return text { out in
      out.append(contentsOf: weekdays[Int(t.tm_wday)].utf8)
      out.append(contentsOf: ", ".utf8)
      digits(t.tm_mday, 2, &out)
      out.append(UInt8(ascii: " "))
      out.append(contentsOf: months[Int(t.tm_mon)].utf8)
      out.append(UInt8(ascii: " "))
      digits(t.tm_year + 1900, 4, &out)
      out.append(UInt8(ascii: " "))
      clock(t, separator: UInt8(ascii: ":"), &out)
      out.append(contentsOf: " GMT".utf8)
    }
  }

  private static func makeDate(
    year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
  ) -> Date? {
    guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
      (0...59).contains(minute), (0...60).contains(second), year >= 1970
    else { return nil }
    var t = tm()
    t.tm_year = Int32(year - 1900)
    t.tm_mon = Int32(month - 1)
    t.tm_mday = Int32(day)
    t.tm_hour = Int32(hour)
    t.tm_min = Int32(minute)
    t.tm_sec = Int32(second)
    let seconds = timegm(&t)
    return Date(timeIntervalSince1970: TimeInterval(seconds))
  }

  private static func number(_ text: Substring) -> Int? {
    guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(text)
  }

  /// Parses `yyyyMMddTHHmmssZ`.
  public static func parseAmzDate(_ text: String) -> Date? {
    let chars = Array(text.utf8)
    guard chars.count == 16, chars[8] == UInt8(ascii: "T"), chars[15] == UInt8(ascii: "Z") else {
      return nil
    }
    let s = Substring(text)
    func field(_ from: Int, _ length: Int) -> Int? {
      let start = s.index(s.startIndex, offsetBy: from)
      return number(s[start..<s.index(start, offsetBy: length)])
    }
    guard let year = field(0, 4), let month = field(4, 2), let day = field(6, 2),
      let hour = field(9, 2), let minute = field(11, 2), let second = field(13, 2)
    else { return nil }
    return makeDate(
      year: year, month: month, day: day, hour: hour, minute: minute, second: second)
  }

  /// Parses an HTTP date in any of the three forms RFC 9110 §5.6.7 requires recipients to accept
  /// (IMF-fixdate, RFC 850, asctime). Also accepts an ISO 8601 / amz date, which some clients send.
  public static func parseHTTPDate(_ text: String) -> Date? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let date = parseAmzDate(trimmed) { return date }
    let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
    func month(_ name: String) -> Int? { months.firstIndex(of: name).map { $0 + 1 } }
    func clock(_ text: String) -> (Int, Int, Int)? {
      let pieces = text.split(separator: ":")
      guard pieces.count == 3, let h = number(pieces[0]), let m = number(pieces[1]),
        let s = number(pieces[2])
      else { return nil }
      return (h, m, s)
    }
    // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    if parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let mon = month(parts[2]),
      let year = Int(parts[3]), let (h, m, s) = clock(parts[4])
    {
      return makeDate(year: year, month: mon, day: day, hour: h, minute: m, second: s)
    }
    // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    if parts.count == 4, parts[3] == "GMT" {
      let dmy = parts[1].split(separator: "-").map(String.init)
      if dmy.count == 3, let day = Int(dmy[0]), let mon = month(dmy[1]), var year = Int(dmy[2]),
        let (h, m, s) = clock(parts[2])
      {
        if year < 100 { year += year < 70 ? 2000 : 1900 }
        return makeDate(year: year, month: mon, day: day, hour: h, minute: m, second: s)
      }
    }
    // asctime: Sun Nov  6 08:49:37 1994
    if parts.count == 5, let mon = month(parts[1]), let day = Int(parts[2]),
      let (h, m, s) = clock(parts[3]), let year = Int(parts[4])
    {
      return makeDate(year: year, month: mon, day: day, hour: h, minute: m, second: s)
    }
    // ISO 8601: 2013-05-24T00:00:00Z or with fractional seconds.
    if trimmed.count >= 20, trimmed.hasSuffix("Z") {
      let compact = trimmed.replacingOccurrences(of: "-", with: "")
        .replacingOccurrences(of: ":", with: "")
      let base = compact.split(separator: ".").first.map(String.init) ?? compact
      return parseAmzDate(base.hasSuffix("Z") ? base : base + "Z")
    }
    return nil
  }
}
