#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A process-wide reader-writer lock between writers that place files into directories
/// (shared) and code that removes directories (exclusive): pruning empty parents after a
/// delete, and creating or deleting buckets. Without it a PUT could open `a/b/`, a pruner
/// could remove the then-empty `a/b/`, and the PUT's rename would fail.
///
/// Writer-preferring where the platform allows, so pruning is not starved by steady PUTs.
/// Not reentrant: never take it twice on one thread.
final class PruneLock: @unchecked Sendable {
  // pthread locks must not move, so the lock lives in its own allocation.
  private let lock: UnsafeMutablePointer<pthread_rwlock_t>

  init() {
    lock = .allocate(capacity: 1)
    var attributes = pthread_rwlockattr_t()
    pthread_rwlockattr_init(&attributes)
    #if canImport(Glibc)
      pthread_rwlockattr_setkind_np(
        &attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
    #endif
    pthread_rwlock_init(lock, &attributes)
    pthread_rwlockattr_destroy(&attributes)
  }

  deinit {
    pthread_rwlock_destroy(lock)
    lock.deallocate()
  }

  /// Runs `body` holding the lock shared (many at once).
  func withShared<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    pthread_rwlock_rdlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return try body()
  }

  /// Runs `body` holding the lock exclusively.
  func withExclusive<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    pthread_rwlock_wrlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return try body()
  }
}
