#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The fsync rounds of one file or directory, shared by concurrent writers: group commit for
/// one descriptor.
///
/// A writer that changed the file takes a ``ticket()`` after its change and later calls
/// ``sync(after:_:using:)``, which returns once an fsync that started after the ticket has
/// succeeded. If none is running, the caller runs one itself; if one is running, it waits for
/// it to end and then takes part in the next one, which one of the waiters runs for all of
/// them. So N concurrent writers need about two fsyncs instead of N, and a writer that did
/// other work between its change and `sync` often finds its round already done.
///
/// Thread rule: any thread may call any method at once.
final class SyncRounds: @unchecked Sendable {
  /// A point in the rounds: changes made before the ticket was taken are covered by the
  /// first round that starts after it.
  struct Ticket: Sendable, Equatable {
    fileprivate var round: UInt64
  }

  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  /// Rounds started and finished; round `n` covers every change made before it started.
  private var started: UInt64 = 0
  private var finished: UInt64 = 0
  /// The failure of each finished round still awaited, by round.
  private var failures: [UInt64: Errno] = [:]
  /// Callers inside `sync`; failures are forgotten when none are left.
  private var waiting = 0

  init() {
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(condition, nil)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  /// Take this after a change; pass it to `sync`.
  func ticket() -> Ticket {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return Ticket(round: started)
  }

  /// Returns once a round that started after `ticket` was taken has succeeded, or throws
  /// that round's error. A round runs `sync(fd)` (a seam for tests).
  func sync(
    after ticket: Ticket, _ fd: Int32, using sync: (Int32) throws(Errno) -> Void = FileOps.sync
  ) throws(Errno) {
    let needed = ticket.round + 1
    pthread_mutex_lock(mutex)
    waiting += 1
    var result: Errno?
    while true {
      if finished >= needed {
        result = failures[needed]
        break
      }
      if started == finished {
        // Nobody is syncing: run the next round for every caller waiting for it.
        started += 1
        let round = started
        pthread_mutex_unlock(mutex)
        var failure: Errno?
        do throws(Errno) {
          try sync(fd)
        } catch {
          failure = error
        }
        pthread_mutex_lock(mutex)
        finished = round
        if let failure { failures[round] = failure }
        pthread_cond_broadcast(condition)
        continue
      }
      pthread_cond_wait(condition, mutex)
    }
    waiting -= 1
    // Failures are kept until no caller is left (rare, and a round's waiters may wake in any
    // order).
    if waiting == 0 { failures.removeAll() }
    pthread_mutex_unlock(mutex)
    if let result { throw result }
  }
}
