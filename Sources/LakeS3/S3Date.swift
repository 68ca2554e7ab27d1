import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The date formats S3 uses, formatted and parsed without `DateFormatter` (thread-safe, fast).
public enum S3Date {
  static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  static let months = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  /// The earliest and latest instants the four-digit-year forms can show: 0000-01-01T00:00:00Z
  /// and 9999-12-31T23:59:59Z.
  static let representable: ClosedRange<Double> = -62_167_219_200...253_402_300_799

  /// Calendar fields of `date`, clamped to years 0...9999 (so every field fits its width and
  /// no conversion can trap, whatever the date).
  private static func components(_ date: Date) -> tm {
    let raw = date.timeIntervalSince1970.rounded(.down)
    let clamped = raw.isNaN ? 0 : min(max(raw, representable.lowerBound), representable.upperBound)
    var seconds = time_t(clamped)
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

  /// `2009-10-12T17:50:30.000Z`, the form of dates in S3 XML documents: `date` rounded to the
  /// nearest millisecond (the catalog keeps whole milliseconds, and `ms / 1000` as a `Double`
  /// can lie just below the millisecond it stands for), clamped to years 0...9999.
  public static func iso8601(_ date: Date) -> String {
    let raw = date.timeIntervalSince1970 * 1000
    let lowest = representable.lowerBound * 1000
    let highest = representable.upperBound * 1000 + 999
    let total = raw.isNaN ? 0 : min(max(raw.rounded(), lowest), highest)
    let wholeSeconds = (total / 1000).rounded(.down)
    let millis = Int32(total - wholeSeconds * 1000)  // exact: both are integers below 2^53
    let t = components(Date(timeIntervalSince1970: wholeSeconds))
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
}
