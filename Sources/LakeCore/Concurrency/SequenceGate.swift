#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A number that only grows, and threads that wait for it to pass a value: the catalog's
/// commit count wakes the indexer, and the indexer's position wakes those waiting for an
/// object to be indexed.
///
/// Thread rule: any thread may call any method at once.
final class SequenceGate: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private var value: Int64
  private var closed = false

  init(_ value: Int64 = 0) {
    self.value = value
    pthread_mutex_init(mutex, nil)
    var attributes = pthread_condattr_t()
    pthread_condattr_init(&attributes)
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
    pthread_cond_init(condition, &attributes)
    pthread_condattr_destroy(&attributes)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  /// The current value.
  var current: Int64 {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return value
  }

  /// Raises the value to `newValue` (never lowers it) and wakes the waiters it passes.
  func advance(to newValue: Int64) {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    guard newValue > value else { return }
    value = newValue
    pthread_cond_broadcast(condition)
  }

  /// Adds one and wakes every waiter.
  func bump() {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    value &+= 1
    pthread_cond_broadcast(condition)
  }

  /// Waits until the value exceeds `seen`, the gate is closed, or `timeout` seconds pass
  /// (nil: no limit); returns the value then.
  @discardableResult
  func wait(above seen: Int64, timeout: Double? = nil) -> Int64 {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    var deadline = timespec()
    if let timeout {
      clock_gettime(CLOCK_MONOTONIC, &deadline)
      let nanoseconds = Int(max(0, min(timeout, 86_400)) * 1e9) + deadline.tv_nsec
      deadline.tv_sec += nanoseconds / 1_000_000_000
      deadline.tv_nsec = nanoseconds % 1_000_000_000
    }
    while value <= seen && !closed {
      if timeout == nil {
        pthread_cond_wait(condition, mutex)
      } else if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT {
        break
      }
    }
    return value
  }

  /// Waits until the value reaches `target`, `timeout` seconds pass or `stop` says so
  /// (checked after each wake-up); returns whether it reached the target.
  func wait(reaching target: Int64, timeout: Double, stop: () -> Bool) -> Bool {
    let start = Milliseconds.now()
    var reached = current
    while reached < target {
      let left = timeout - Double(Milliseconds.now() - start) / 1000
      if left <= 0 || stop() { return false }
      reached = wait(above: reached, timeout: left)
    }
    return true
  }

  /// Ends every wait now and later; the value can still advance.
  func close() {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    closed = true
    pthread_cond_broadcast(condition)
  }
}
