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

  /// How long a worker waits for the socket (more request body bytes, or room for more of
  /// the response) before it parks the request on its event loop, which waits without a
  /// thread: long enough for a fast client to keep up, short enough that slow clients never
  /// hold workers.
  static let handOverAfter = Duration.milliseconds(2)

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
    switch prepared {
    case .continuing(let pending): return send(pending, on: connection)
    case .continuingBody(let reception): return receive(reception, on: connection)
    case .response, nil: break
    }
    let body = HTTPRequestBody(request, connection: connection, configuration: configuration)
    let context = HTTPRequestContext(
      remoteAddress: connection.remoteAddress, connectionID: connection.id, startTime: start)
    let response: HTTPResponse
    if case .response(let given) = prepared {
      response = given
    } else if body.hasBody {
      switch core.handler.planBody(request.head, body: body, context: context) {
      case .direct:
        response = core.handler.handle(request.head, body: body, context: context)
      case .respond(let given):
        return respond(given, unread: body, request, receivedAt: start, on: connection)
      case .stream(let sink):
        return startReceiving(
          BodyReception(
            request: request, receivedAt: start, context: context, body: body,
            target: .sink(sink)), on: connection)
      case .buffer(let limit):
        return startReceiving(
          BodyReception(
            request: request, receivedAt: start, context: context, body: body,
            target: .buffer(limit: limit)), on: connection)
      }
    } else {
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

    return write(
      response, for: request, receivedAt: start, keepAlive: keepAlive, body: body,
      on: connection)
  }

  /// Answers a request with a body the handler did not want: the connection closes after
  /// the response unless the whole body had already arrived (nothing is read to find out).
  private func respond(
    _ response: HTTPResponse, unread body: HTTPRequestBody, _ request: HTTPParsedRequest,
    receivedAt start: ContinuousClock.Instant, on connection: Connection
  ) -> Outcome {
    body.waits = false
    let keepAlive =
      core.keepsAlive(request, answeredWith: response.head) && !request.expectsContinue
      && body.drainBuffered()
    body.invalidated = true
    return write(
      response, for: request, receivedAt: start, keepAlive: keepAlive, body: body, on: connection)
  }

  /// Sends `100 Continue` if the client waits for it, then receives.
  private func startReceiving(_ reception: BodyReception, on connection: Connection) -> Outcome {
    do {
      try reception.body.sendContinueIfPending()
    } catch {
      reception.failure = error
    }
    return receive(reception, on: connection)
  }

  /// Moves body bytes to the sink or buffer while they arrive; when the client pauses past
  /// ``handOverAfter`` the request is parked on the event loop, which gives it back to a
  /// worker when more bytes (or a deadline) come. At the end, the handler answers.
  private func receive(_ reception: BodyReception, on connection: Connection) -> Outcome {
    let body = reception.body
    // Taken for this stretch only: a parked body holds no buffer.
    let scratch = core.receiveBuffers.take()
    defer { core.receiveBuffers.give(scratch) }
    while !reception.isOver {
      let count: Int?
      do {
        count = try body.readAvailable(into: scratch)
      } catch {
        reception.failure = error
        break
      }
      guard let count else {
        do {
          if try body.waitBriefly(Self.handOverAfter) { continue }
        } catch {
          reception.failure = error
          break
        }
        if connection.loop.post(.receiving(connection, reception)) { return .suspended }
        reception.failure = .connectionClosed  // the loop has stopped
        break
      }
      if count > 0 { reception.deliver(UnsafeRawBufferPointer(rebasing: scratch[0..<count])) }
    }
    return finishReceiving(reception, on: connection)
  }

  /// The body is over (whole, failed, or refused by the sink): the handler answers, and the
  /// connection stays open only if the body was read whole.
  private func finishReceiving(_ reception: BodyReception, on connection: Connection) -> Outcome {
    let body = reception.body
    let request = reception.request
    let response: HTTPResponse
    switch reception.target {
    case .sink(let sink):
      response = sink.finish(reception.failure)
    case .buffer:
      let memory = HTTPRequestBody(
        bytes: reception.buffered, failure: reception.failure, chunked: body.isChunked)
      response = core.handler.handle(request.head, body: memory, context: reception.context)
    }
    var keepAlive = core.keepsAlive(request, answeredWith: response.head)
    if !body.finished || reception.failure != nil || reception.stoppedBySink { keepAlive = false }
    if request.expectsContinue && !body.continueSent { keepAlive = false }
    body.invalidated = true
    return write(
      response, for: request, receivedAt: reception.receivedAt, keepAlive: keepAlive, body: body,
      on: connection)
  }

  /// Serializes and sends a response (see ``send(_:on:)``).
  private func write(
    _ response: HTTPResponse, for request: HTTPParsedRequest,
    receivedAt start: ContinuousClock.Instant, keepAlive: Bool, body: HTTPRequestBody,
    on connection: Connection
  ) -> Outcome {
    let plan = HTTPResponseSerializer.plan(
      response.head, body: response.body, method: request.head.method,
      version: request.head.version, keepAlive: keepAlive, date: dateCache.now())
    let pending = PendingResponse(
      request: request, receivedAt: start, status: response.head.status, plan: plan,
      body: response.body, keepAlive: keepAlive, bodyBytesReceived: body.bytesReceived,
      limits: core.configuration.writeLimits)
    return send(pending, on: connection)
  }

  /// Writes `pending` while the socket takes it, waiting at most ``handOverAfter`` at a time for
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
        if Socket.wait(connection.fd, writable: true, timeout: Self.handOverAfter) { continue }
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
