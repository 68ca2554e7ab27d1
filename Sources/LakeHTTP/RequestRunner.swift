import Glibc

/// Serves the requests of one connection on a worker thread: runs the handler, finishes the
/// request body, writes the response, and goes on with pipelined requests already buffered
/// before handing the connection back to its event loop.
///
/// One runner per worker thread, confined to it.
final class RequestRunner {
  /// An unread body remainder up to this size is read and dropped to keep the connection;
  /// a larger one closes it instead.
  static let drainLimit: Int64 = 256 * 1024

  let core: ServerCore
  private var dateCache = HTTPDate.Cache()

  init(core: ServerCore) {
    self.core = core
  }

  /// What became of one request.
  enum Outcome: Equatable {
    /// The response is done; the connection goes on as said.
    case finished(EventLoop.HandBack)
    /// The socket filled up mid-response; the connection went to its loop, which waits for
    /// room without holding this worker.
    case suspended
  }

  /// How long a worker waits for a full socket to take more before it hands the response
  /// to the event loop: long enough for a fast reader to drain a socket buffer, short enough
  /// that slow readers never hold workers.
  static let sendGrace = Duration.milliseconds(2)

  /// Serves `job` and every pipelined request after it, answering in order
  /// (RFC 9112 §9.3.2).
  func serve(_ job: WorkerPool.Job) {
    let connection = job.connection
    var request = job.request
    var receivedAt = job.receivedAt
    var prepared = job.prepared
    while true {
      let outcome = serveOne(connection, request, receivedAt: receivedAt, prepared: prepared)
      prepared = nil
      guard case .finished(let handBack) = outcome else { return }
      guard handBack == .keepAlive, connection.hasBufferedBytes else {
        return self.handBack(connection, handBack)
      }
      let now = ContinuousClock.now
      switch connection.parseBuffered(now: now) {
      case .complete(let next, _):
        request = next
        receivedAt = now
      case .needMore:
        return self.handBack(connection, .keepAlive)
      case .failed(let error):
        let response = core.serverErrorBytes(status: error.status, date: dateCache.now())
        let written = Socket.write(connection.fd, response, limits: core.configuration.writeLimits)
        return self.handBack(connection, written ? .linger : .close)
      }
    }
  }

  /// Serves one request whose head was complete at `start`, starting from what the event
  /// loop `prepared`, if anything.
  private func serveOne(
    _ connection: Connection, _ request: HTTPParsedRequest,
    receivedAt start: ContinuousClock.Instant, prepared: WorkerPool.Prepared?
  ) -> Outcome {
    let configuration = core.configuration
    if case .continuing(let pending) = prepared {
      return send(pending, on: connection)
    }
    let body = HTTPRequestBody(request, connection: connection, configuration: configuration)
    let response: HTTPResponse
    if case .response(let given) = prepared {
      response = given
    } else {
      let context = HTTPRequestContext(
        remoteAddress: connection.remoteAddress, connectionID: connection.id, startTime: start)
      response = core.handler.handle(request.head, body: body, context: context)
    }

    var keepAlive = core.keepsAlive(request, answeredWith: response.head)
    // The next request starts after this body: read a small unread remainder, else close.
    // A client still waiting for 100 Continue is not asked for its body at all
    // (RFC 9110 §10.1.1): the final response goes out and the connection closes.
    if keepAlive && !body.drain(limit: Self.drainLimit) { keepAlive = false }
    // A final answer to an `Expect: 100-continue` request that got no 100 Continue (an early
    // error, an empty body, or a body already sent) closes the connection: clients such as
    // botocore keep per-connection state from such an early answer and misread the next
    // response on the same connection.
    if request.expectsContinue && !body.continueSent { keepAlive = false }
    body.invalidated = true

    let plan = HTTPResponseSerializer.plan(
      response.head, body: response.body, method: request.head.method,
      version: request.head.version, keepAlive: keepAlive, date: dateCache.now())
    let pending = PendingResponse(
      request: request, receivedAt: start, status: response.head.status, plan: plan,
      body: response.body, keepAlive: keepAlive, bodyBytesReceived: body.bytesReceived,
      limits: configuration.writeLimits)
    return send(pending, on: connection)
  }

  /// Writes `pending` while the socket takes it, waiting at most ``sendGrace`` at a time for
  /// room; then hands the connection to its loop to wait without this thread.
  private func send(_ pending: PendingResponse, on connection: Connection) -> Outcome {
    while true {
      switch pending.writeAvailable(connection.fd) {
      case .done:
        core.handler.requestCompleted(pending.record(remoteAddress: connection.remoteAddress))
        return .finished(pending.keepAlive ? .keepAlive : .linger)
      case .failed:
        core.handler.requestCompleted(pending.record(remoteAddress: connection.remoteAddress))
        return .finished(.close)
      case .blocked:
        if Socket.wait(connection.fd, writable: true, timeout: Self.sendGrace) { continue }
        if connection.loop.post(.sending(connection, pending)) { return .suspended }
        // The loop has stopped (shutdown past its grace period): give up here.
        core.handler.requestCompleted(pending.record(remoteAddress: connection.remoteAddress))
        return .finished(.close)
      }
    }
  }

  /// Returns the connection to its loop, or closes it here when the loop has already
  /// stopped (shutdown past its grace period).
  private func handBack(_ connection: Connection, _ outcome: EventLoop.HandBack) {
    if !connection.loop.post(.returned(connection, outcome)) {
      close(connection.fd)
      if connection.counted { core.openConnections.subtract(1, ordering: .relaxed) }
      core.inFlight.subtract(1, ordering: .relaxed)
    }
  }
}
