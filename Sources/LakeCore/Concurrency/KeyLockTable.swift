import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Striped per-key locks that serialize writes (put, delete, fsck repair) to one key, plus a
/// per-stripe version counter that lets readers open an object without taking the lock.
///
/// A writer holds its stripe's lock from the condition check until its catalog commit and
/// brackets the part that changes files (rename or unlink, then commit) with
/// `beginChange`/`endChange`, which make the version odd then even again. A reader that sees
/// the same even version before its catalog lookup and after opening the file knows no
/// change to any key of that stripe overlapped it, so the row and file agree (a seqlock).
final class KeyLockTable: Sendable {
  /// One stripe: a lock and a change counter.
  final class Stripe: @unchecked Sendable {
    // A bare pthread mutex (it guards files and catalog rows, not Swift memory); pthread
    // locks must not move, so it lives in its own allocation.
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let version = Atomic<UInt64>(0)

    init() {
      lock = .allocate(capacity: 1)
      pthread_mutex_init(lock, nil)
    }

    deinit {
      pthread_mutex_destroy(lock)
      lock.deallocate()
    }

    /// Runs `body` holding this stripe's lock. Blocks the thread while another holds it.
    /// Not reentrant.
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
      pthread_mutex_lock(lock)
      defer { pthread_mutex_unlock(lock) }
      return try body()
    }

    /// The current version; odd while a change is in progress.
    func currentVersion() -> UInt64 {
      version.load(ordering: .sequentiallyConsistent)
    }

    /// Runs `body`, which renames or unlinks files and commits the catalog, between two
    /// version bumps. Call only while holding the lock.
    func change<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
      version.add(1, ordering: .sequentiallyConsistent)
      defer { version.add(1, ordering: .sequentiallyConsistent) }
      return try body()
    }
  }

  private let stripes: [Stripe]

  /// A table of `count` stripes (at least 1).
  init(count: Int) {
    stripes = (0..<max(1, count)).map { _ in Stripe() }
  }

  /// The stripe guarding `key` in `bucket`. Different keys may share a stripe.
  func stripe(bucket: String, key: String) -> Stripe {
    var hasher = Hasher()
    hasher.combine(bucket)
    hasher.combine(key)
    let index = Int(UInt(bitPattern: hasher.finalize()) % UInt(stripes.count))
    return stripes[index]
  }
}
