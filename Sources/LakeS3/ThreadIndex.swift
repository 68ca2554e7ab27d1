import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A small number for the calling thread, given out in turn on its first call. State that
/// every request touches (the access log's buffers, cached signing keys) is split into
/// shards by it, so the event loops never wait for each other's lock: on a machine with as
/// many busy threads as cores, a thread holding a shared lock can be preempted, and the
/// other would sleep until it runs again.
public enum ThreadIndex {
  /// The calling thread's number (0, 1, 2, … in the order threads first asked).
  public static var current: Int {
    if let value = pthread_getspecific(key) { return Int(bitPattern: value) - 1 }
    let index = next.add(1, ordering: .relaxed).oldValue
    pthread_setspecific(key, UnsafeRawPointer(bitPattern: index + 1))
    return index
  }

  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
  }()
  private static let next = Atomic<Int>(0)
}
