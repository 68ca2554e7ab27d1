import CLakeSystem
import Glibc

/// Starts OS threads for event loops and workers; blocking work never runs on the Swift
/// concurrency pool.
///
/// The entry point is a top-level function with a boxed `@Sendable` closure: a thread
/// closure written in `@main` code would be main-actor isolated and crash in Swift 6.
enum SystemThread {
  /// Starts a joinable thread running `body`, with SIGPIPE blocked (so `sendfile` to a reset
  /// peer fails with EPIPE instead of killing the process).
  static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(HTTPServerError)
    -> pthread_t
  {
    let box = Unmanaged.passRetained(ThreadBody(name: name, body: body))
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, lakeThreadMain, box.toOpaque())
    guard rc == 0 else {
      box.release()
      throw HTTPServerError(message: "cannot start thread \(name)", errno: rc)
    }
    return thread
  }

  /// Waits for `thread` to end.
  static func join(_ thread: pthread_t) {
    pthread_join(thread, nil)
  }
}

private final class ThreadBody: Sendable {
  let name: String
  let body: @Sendable () -> Void

  init(name: String, body: @escaping @Sendable () -> Void) {
    self.name = name
    self.body = body
  }
}

private func lakeThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
  let box = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
  lake_block_sigpipe()
  lake_set_thread_name(box.name)
  box.body()
  return nil
}
