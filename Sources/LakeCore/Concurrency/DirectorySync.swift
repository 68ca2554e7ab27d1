#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Lets concurrent writes into one directory share its fsync, as group commit shares a
/// catalog transaction.
///
/// A caller that renamed or unlinked an entry needs an fsync of the directory that starts
/// after its change. If none is running, it runs one itself; if one is running, it waits for
/// it to end and then takes part in the next one, which one of the waiters runs for all of
/// them. So N writers into one directory need about two fsyncs instead of N, and none is
/// acknowledged before an fsync that covers its change has succeeded. Directories are told
/// apart by device and inode (a path can be removed and created again).
final class DirectorySync: @unchecked Sendable {
  private struct Key: Hashable {
    var device: UInt64
    var inode: UInt64
  }

  /// One directory's fsync rounds.
  private final class Group {
    /// Rounds started and finished; round `n` covers every change made before it started.
    var started: UInt64 = 0
    var finished: UInt64 = 0
    /// The failure of each finished round still awaited, by round.
    var failures: [UInt64: Errno] = [:]
    /// Callers using the group (it is dropped when none are left).
    var users = 0
  }

  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private var groups: [Key: Group] = [:]

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

  /// Returns once an fsync of `directory` that started after this call has succeeded, or
  /// throws that fsync's error. `sync` performs the fsync (a seam for tests).
  func sync(_ directory: Int32, using sync: (Int32) throws(Errno) -> Void = FileOps.sync)
    throws(Errno)
  {
    var info = stat()
    guard fstat(directory, &info) == 0 else { throw Errno.current }
    let key = Key(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    pthread_mutex_lock(mutex)
    let group = groups[key] ?? Group()
    groups[key] = group
    group.users += 1
    // A round running now may have started before this caller's change: wait for the next.
    let needed = group.started + 1
    var result: Errno?
    while true {
      if group.finished >= needed {
        result = group.failures[needed]
        break
      }
      if group.started == group.finished {
        // Nobody is syncing: run round `needed` for every caller waiting for it.
        group.started += 1
        let round = group.started
        pthread_mutex_unlock(mutex)
        var failure: Errno?
        do throws(Errno) {
          try sync(directory)
        } catch {
          failure = error
        }
        pthread_mutex_lock(mutex)
        group.finished = round
        if let failure { group.failures[round] = failure }
        pthread_cond_broadcast(condition)
        continue
      }
      pthread_cond_wait(condition, mutex)
    }
    group.users -= 1
    // Failures are kept until the group has no caller left (rare, and a round's waiters may
    // wake in any order).
    if group.users == 0 { groups[key] = nil }
    pthread_mutex_unlock(mutex)
    if let result { throw result }
  }
}
