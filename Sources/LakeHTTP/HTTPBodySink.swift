/// Takes a request body as it arrives, in pieces, on worker threads; the server calls it
/// only while bytes flow, so a slow client holds no worker while it has nothing to send.
///
/// Thread rule: calls come from worker threads, one at a time and in order (never two at
/// once), possibly from a different thread each time; the object is handed between threads
/// through the server's locked queues, so it needs no locking of its own.
public protocol HTTPBodySink: AnyObject {
  /// Takes the next decoded body bytes, valid only during the call. Returns false to stop
  /// receiving (the sink has failed, for example the disk is full); ``finish(_:)`` follows
  /// at once and the connection closes after the response.
  func consume(_ bytes: UnsafeRawBufferPointer) -> Bool

  /// The body ended: `error` is nil when it arrived whole (or the sink stopped it), else why
  /// it did not (stalled or too slow, malformed framing, too large, connection closed).
  /// Returns the response. Called exactly once, unless the server stops first.
  func finish(_ error: HTTPBodyError?) -> HTTPResponse
}

/// How a handler takes the body of a request, decided from its head before any body byte is
/// read (``HTTPHandler/planBody(_:body:context:)``).
public enum HTTPBodyPlan {
  /// Deliver the body in pieces to this sink, which then answers the request.
  case stream(any HTTPBodySink)
  /// Receive the whole body in memory, at most `limit` bytes, then call
  /// ``HTTPHandler/handle(_:body:context:)`` with it (a larger body makes its reads throw
  /// ``HTTPBodyError/tooLarge``).
  case buffer(limit: Int)
  /// Answer without reading the body; the connection closes after the response unless the
  /// body had already arrived whole.
  case respond(HTTPResponse)
  /// Call ``HTTPHandler/handle(_:body:context:)`` at once and let it read the body from the
  /// socket, blocking: the worker is held while the client sends. For simple handlers and
  /// tests; a server facing slow clients should stream or buffer.
  case direct
}
