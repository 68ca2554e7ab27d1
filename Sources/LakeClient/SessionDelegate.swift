import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Streams response bodies of the client's data tasks to per-task receivers, so a download
/// writes each chunk where it belongs as it arrives instead of gathering the body in memory.
/// Tasks made with the async convenience methods (`data(for:)`) never reach it.
final class SessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  /// What one streamed task does with its answer.
  final class Receiver: @unchecked Sendable {
    /// Takes the body of a 2xx answer chunk by chunk, in order (another answer's body is kept,
    /// up to 1 MiB, as its error document); a thrown error cancels the task.
    let sink: @Sendable (Data) throws -> Void
    var continuation: CheckedContinuation<LakeClient.Response, any Error>?
    var status = 0
    var headers: [String: String] = [:]
    var streaming = false
    var kept = Data()
    var failure: (any Error)?

    init(sink: @escaping @Sendable (Data) throws -> Void) {
      self.sink = sink
    }
  }

  private let lock = NSLock()
  private var receivers: [Int: Receiver] = [:]

  func register(_ task: URLSessionTask, _ receiver: Receiver) {
    lock.lock()
    receivers[task.taskIdentifier] = receiver
    lock.unlock()
  }

  private func receiver(_ task: URLSessionTask, remove: Bool = false) -> Receiver? {
    lock.lock()
    defer { lock.unlock() }
    return remove
      ? receivers.removeValue(forKey: task.taskIdentifier) : receivers[task.taskIdentifier]
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
  ) {
    if let receiver = receiver(dataTask), let http = response as? HTTPURLResponse {
      receiver.status = http.statusCode
      receiver.headers = LakeClient.headers(of: http)
      receiver.streaming = (200..<300).contains(receiver.status)
    }
    completionHandler(.allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    guard let receiver = receiver(dataTask), receiver.failure == nil else { return }
    if receiver.streaming {
      do {
        try receiver.sink(data)
      } catch {
        receiver.failure = error
        dataTask.cancel()
      }
    } else if receiver.kept.count < 1 << 20 {
      receiver.kept.append(data)
    }
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?
  ) {
    guard let receiver = receiver(task, remove: true), let continuation = receiver.continuation
    else { return }
    receiver.continuation = nil
    if let failure = receiver.failure {
      continuation.resume(throwing: failure)
    } else if let error {
      continuation.resume(throwing: error)
    } else {
      continuation.resume(
        returning: LakeClient.Response(
          status: receiver.status, headers: receiver.headers, body: receiver.kept))
    }
  }
}

/// A `URLSessionTask` started inside `withTaskCancellationHandler`, cancelled from another
/// thread.
///
/// `URLSessionTask.cancel()` waits for the session's work queue. When a task group is cancelled,
/// the canceller holds each child's status lock while it runs the child's cancellation handler,
/// and the work queue may at that moment be resuming that same child (waiting for the lock):
/// calling `cancel()` in the handler then hangs the process, as swift-corelibs-foundation's own
/// async `data(for:)` and `upload(for:)` do. So the cancel is sent asynchronously.
final class PendingTask: @unchecked Sendable {
  private let lock = NSLock()
  private var task: URLSessionTask?
  private var cancelled = false

  /// Creates the task with `make` on `queue` and resumes it there, or cancels it at once if
  /// cancellation came first.
  func start(on queue: DispatchQueue, _ make: @escaping @Sendable () -> URLSessionTask) {
    queue.async {
      let task = make()
      self.lock.lock()
      self.task = task
      let cancelled = self.cancelled
      self.lock.unlock()
      task.resume()
      if cancelled { Self.cancelLater(task) }
    }
  }

  /// Cancels the task (now or when it starts) without waiting for the session.
  func cancel() {
    lock.lock()
    cancelled = true
    let task = self.task
    lock.unlock()
    if let task { Self.cancelLater(task) }
  }

  private static func cancelLater(_ task: URLSessionTask) {
    DispatchQueue.global().async { task.cancel() }
  }
}
