import Foundation

/// Timestamps are stored as whole milliseconds since 1970 (UTC).
enum Milliseconds {
  /// Now, truncated to a whole millisecond.
  static func now() -> Int64 {
    Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
  }

  /// A date as whole milliseconds since 1970 (rounded to the nearest).
  static func of(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 * 1000).rounded())
  }

  static func date(_ milliseconds: Int64) -> Date {
    Date(timeIntervalSince1970: Double(milliseconds) / 1000)
  }
}
