import Glibc

/// The `Date` header value in IMF-fixdate form (RFC 9110 §5.6.7), e.g.
/// `Sun, 06 Nov 1994 08:49:37 GMT`, formatted at most once per second.
///
/// Each event-loop and worker thread keeps its own ``Cache``, so no lock is shared.
enum HTTPDate {
  /// A per-second cache owned by one thread.
  struct Cache {
    private var second = -1
    private var text = ""

    /// The current time, formatted again only when the second changed.
    mutating func now() -> String {
      var spec = timespec()
      clock_gettime(CLOCK_REALTIME_COARSE, &spec)
      if spec.tv_sec != second {
        second = spec.tv_sec
        text = HTTPDate.format(secondsSinceEpoch: second)
      }
      return text
    }
  }

  /// Formats seconds since 1970 as IMF-fixdate.
  static func format(secondsSinceEpoch: Int) -> String {
    var time = time_t(secondsSinceEpoch)
    var parts = tm()
    gmtime_r(&time, &parts)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
      + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
  }
}
