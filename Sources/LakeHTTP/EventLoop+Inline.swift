import CLakeSystem
import Glibc

extension EventLoop {
  /// What became of a request the loop offered to the handler's non-blocking path.
  enum InlineOutcome: Equatable {
    /// The handler wants a worker; nothing was sent.
    case declined
    /// The response went out whole; the connection stays with the loop.
    case answered(keepAlive: Bool)
    /// The response was started here and a worker, or the loop once the socket has room,
    /// finishes it.
    case handedOff
    /// The peer is gone; the connection was closed.
    case closed
  }

  /// The largest file body the loop reads and sends itself (the scratch buffer's size).
  var inlineFileLimit: Int64 { Int64(scratch.count) }

  /// Offers a request without a body to ``HTTPHandler/handleWithoutBlocking(_:context:)`` and
  /// writes its answer without blocking. A file body that is large or not in the page cache
  /// goes to a worker; when the socket fills up, the loop sends the rest once it has room.
  func answerWithoutBlocking(
    _ connection: Connection, _ request: HTTPParsedRequest, receivedAt: ContinuousClock.Instant
  ) -> InlineOutcome {
    guard !request.expectsContinue, request.framing == .none || request.framing == .length(0)
    else { return .declined }
    let context = HTTPRequestContext(
      remoteAddress: connection.remoteAddress, connectionID: connection.id,
      startTime: receivedAt)
    guard let response = core.handler.handleWithoutBlocking(request.head, context: context) else {
      return .declined
    }
    let keepAlive = !shuttingDown && core.keepsAlive(request, answeredWith: response.head)
    let plan = HTTPResponseSerializer.plan(
      response.head, body: response.body, method: request.head.method,
      version: request.head.version, keepAlive: keepAlive, date: dateCache.now())
    var output = plan.bytes
    var bodyCount: Int64 = 0
    switch response.body {
    case .empty:
      break
    case .bytes(let bytes):
      if plan.writesBody {
        output.append(contentsOf: bytes)
        bodyCount = Int64(bytes.count)
      }
    case .file(let region):
      if plan.writesBody && region.count > 0 {
        guard region.count <= inlineFileLimit, readCached(region) else {
          dispatch(connection, request, receivedAt: receivedAt, prepared: .response(response))
          return .handedOff
        }
        output.append(contentsOf: scratch[0..<Int(region.count)])
        bodyCount = region.count
      }
      region.release()
    }
    guard let sent = output.withUnsafeBytes({ Socket.sendAvailable(connection.fd, $0) }) else {
      core.reportCompleted(
        request, status: response.head.status, headers: plan.headers, bodyBytesSent: 0,
        since: receivedAt, remoteAddress: connection.remoteAddress)
      closeConnection(connection)
      return .closed
    }
    if sent < output.count {
      // The socket is full: the loop finishes sending when it has room, no worker needed.
      let pending = PendingResponse(
        request: request, receivedAt: receivedAt, status: response.head.status,
        headers: plan.headers, keepAlive: keepAlive, rest: output[sent...],
        bodyCount: bodyCount, limits: core.configuration.writeLimits)
      core.inFlight.add(1, ordering: .relaxed)
      suspendSending(connection, pending)
      return .handedOff
    }
    core.reportCompleted(
      request, status: response.head.status, headers: plan.headers, bodyBytesSent: bodyCount,
      since: receivedAt, remoteAddress: connection.remoteAddress)
    return .answered(keepAlive: keepAlive)
  }

  /// Reads the whole region into `scratch` if its bytes are in the page cache.
  private func readCached(_ region: HTTPFileRegion) -> Bool {
    let count = Int(region.count)
    let read = lake_pread_nowait(region.descriptor, scratch.baseAddress, count, region.offset)
    return read == count
  }

}
