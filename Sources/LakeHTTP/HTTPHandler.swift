/// Answers requests. One value serves every connection, from many worker threads at once.
public protocol HTTPHandler: Sendable {
  /// Answers one request.
  ///
  /// Called on a server worker thread, never on the Swift concurrency pool, so it may block
  /// (file I/O, SQLite, `fsync`). `body` is valid only during this call and only on this
  /// thread: the handler must not retain it or hand it to another thread. The handler need
  /// not read the body; the server then drains a small remainder or closes the connection.
  func handle(_ head: HTTPRequestHead, body: HTTPRequestBody, context: HTTPRequestContext)
    -> HTTPResponse

  /// Decides how the body of a request that has one is received, before any of it is read.
  /// `body` tells its framing (``HTTPRequestBody/declaredLength``,
  /// ``HTTPRequestBody/isChunked``); do not read it here. Called on a worker thread (it may
  /// block, e.g. to check that a bucket exists). The server sends `100 Continue` for
  /// `.stream` and `.buffer` if the client asked for it. The default is
  /// ``HTTPBodyPlan/direct``.
  func planBody(_ head: HTTPRequestHead, body: HTTPRequestBody, context: HTTPRequestContext)
    -> HTTPBodyPlan

  /// Answers a request on an event-loop thread when that needs no waiting, or returns nil
  /// to have ``handle(_:body:context:)`` answer it on a worker.
  ///
  /// Asked only for requests without a body. It must not block: no SQLite, no disk access
  /// that might miss the kernel's caches, no lock held for long. A `.file` body up to 64 KiB
  /// whose bytes are in the page cache is sent from the loop; any other is sent by a worker.
  /// The default implementation returns nil.
  func handleWithoutBlocking(_ head: HTTPRequestHead, context: HTTPRequestContext)
    -> HTTPResponse?

  /// The response to an error the server answers by itself, before any handler sees a
  /// request: 400, 501 or 505 for a malformed head, 431 for one over the size or field
  /// limits, 408 when a head arrives too slowly, 503 when a connection is over
  /// `maxConnections`. The server adds `Content-Length`, `Date`, `Server` and
  /// `Connection: close`. Only `.empty` and `.bytes` bodies are sent. Called on event-loop
  /// and worker threads; must not block. The default is an empty response with `status`.
  func responseForServerError(status: Int) -> HTTPResponse

  /// Called after the response was written, or failed to be (on the worker thread, or on the
  /// event-loop thread for answers from ``handleWithoutBlocking(_:context:)``); use it for
  /// access logs and metrics. The default implementation does nothing.
  func requestCompleted(_ record: HTTPAccessRecord)
}

extension HTTPHandler {
  /// ``HTTPBodyPlan/direct``: `handle` reads the body itself.
  public func planBody(
    _ head: HTTPRequestHead, body: HTTPRequestBody, context: HTTPRequestContext
  ) -> HTTPBodyPlan {
    .direct
  }

  /// Returns nil: every request is answered on a worker.
  public func handleWithoutBlocking(_ head: HTTPRequestHead, context: HTTPRequestContext)
    -> HTTPResponse?
  { nil }

  /// An empty response with `status`.
  public func responseForServerError(status: Int) -> HTTPResponse {
    HTTPResponse(status: status)
  }

  /// Does nothing.
  public func requestCompleted(_ record: HTTPAccessRecord) {}
}

/// Facts about the connection a request arrived on.
public struct HTTPRequestContext: Sendable {
  /// The peer as `ip:port`, IPv6 addresses in brackets (`[::1]:5000`).
  public var remoteAddress: String
  /// A server-unique number of the connection; requests on one keep-alive connection share it.
  public var connectionID: UInt64
  /// When the request head had been received completely (before any wait for a worker).
  public var startTime: ContinuousClock.Instant

  /// Creates a context (the server makes these; tests of handlers may too).
  public init(remoteAddress: String, connectionID: UInt64, startTime: ContinuousClock.Instant) {
    self.remoteAddress = remoteAddress
    self.connectionID = connectionID
    self.startTime = startTime
  }
}

/// What happened to one request, for access logs and metrics.
public struct HTTPAccessRecord: Sendable {
  /// The request head as received.
  public var head: HTTPRequestHead
  /// The status sent (or attempted).
  public var status: Int
  /// The response headers as sent, including those the server added.
  public var responseHeaders: HTTPHeaders
  /// How many response body bytes were written (0 for HEAD).
  public var bodyBytesSent: Int64
  /// How many request body bytes were received, decoded (handler reads plus any drain).
  public var bodyBytesReceived: Int64
  /// From the complete request head (including any wait for a free worker) to the end of
  /// the response.
  public var duration: Duration
  /// The peer as in ``HTTPRequestContext/remoteAddress``.
  public var remoteAddress: String

  /// Creates a record.
  public init(
    head: HTTPRequestHead, status: Int, responseHeaders: HTTPHeaders, bodyBytesSent: Int64,
    bodyBytesReceived: Int64, duration: Duration, remoteAddress: String
  ) {
    self.head = head
    self.status = status
    self.responseHeaders = responseHeaders
    self.bodyBytesSent = bodyBytesSent
    self.bodyBytesReceived = bodyBytesReceived
    self.duration = duration
    self.remoteAddress = remoteAddress
  }
}
