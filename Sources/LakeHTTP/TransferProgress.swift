/// The limits a body transfer in either direction must keep up with: no pause longer than
/// `stall`, and on average at least `minimumRate` bytes per second over every `window`.
public struct TransferLimits: Sendable, Equatable {
  /// The longest wait for the socket to give or take a byte.
  public var stall: Duration
  /// Bytes per second a transfer must average over each window; 0 turns the check off.
  public var minimumRate: Int64
  /// The span the rate is averaged over.
  public var window: Duration

  /// Creates limits.
  public init(stall: Duration, minimumRate: Int64 = 0, window: Duration = .seconds(20)) {
    self.stall = stall
    self.minimumRate = minimumRate
    self.window = window
  }

  /// The bytes a full window must carry (saturating).
  var bytesPerWindow: Int64 {
    let (seconds, attoseconds) = window.components
    let milliseconds = seconds &* 1000 &+ attoseconds / 1_000_000_000_000_000
    let (product, overflow) = minimumRate.multipliedReportingOverflow(by: max(milliseconds, 0))
    return overflow ? .max : product / 1000
  }
}

/// Where one transfer stands against its ``TransferLimits``: a pure value, fed the bytes
/// moved and the time, so the rules are tested without sockets.
struct TransferProgress {
  let limits: TransferLimits
  private var lastProgress: ContinuousClock.Instant
  private var windowStart: ContinuousClock.Instant
  private var windowBytes: Int64 = 0

  init(_ limits: TransferLimits, now: ContinuousClock.Instant = .now) {
    self.limits = limits
    lastProgress = now
    windowStart = now
  }

  /// Records `count` bytes moved at `now`. Returns false when a rate window closed with too
  /// few bytes: the transfer is too slow and must end.
  mutating func moved(_ count: Int, now: ContinuousClock.Instant = .now) -> Bool {
    if count > 0 {
      lastProgress = now
      windowBytes = windowBytes &+ Int64(count)
    }
    return rollWindow(now: now)
  }

  /// How long the caller may wait for the socket now before checking again, or nil when the
  /// transfer has stalled past `stall` or fallen below the rate.
  mutating func waitBudget(now: ContinuousClock.Instant = .now) -> Duration? {
    guard rollWindow(now: now) else { return nil }
    let stallLeft = lastProgress + limits.stall - now
    guard stallLeft > .zero else { return nil }
    guard limits.minimumRate > 0 else { return stallLeft }
    return min(stallLeft, windowStart + limits.window - now)
  }

  /// Closes the window when it is over: false if it carried too few bytes.
  private mutating func rollWindow(now: ContinuousClock.Instant) -> Bool {
    guard limits.minimumRate > 0, now - windowStart >= limits.window else { return true }
    if windowBytes < limits.bytesPerWindow { return false }
    windowStart = now
    windowBytes = 0
    return true
  }

  /// Waits until `fd` is readable (or writable) within the limits; false when the transfer
  /// stalled or is too slow.
  mutating func wait(_ fd: Int32, writable: Bool) -> Bool {
    while let budget = waitBudget() {
      if Socket.wait(fd, writable: writable, timeout: budget) { return true }
    }
    return false
  }
}
