import Logging
import Synchronization

/// What the event loops and workers of one server share: the frozen configuration, the
/// handler, the worker queue and the counters.
final class ServerCore: Sendable {
  let configuration: HTTPServerConfiguration
  let handler: any HTTPHandler
  let logger: Logger
  let pool: WorkerPool
  /// The buffers workers receive request bodies into.
  let receiveBuffers = ReceiveBuffers()
  /// Connections counted against `maxConnections` that are not yet closed.
  let openConnections = Atomic<Int>(0)
  /// Connections currently handed to workers (queued or being served).
  let inFlight = Atomic<Int>(0)
  private let nextConnectionID = Atomic<UInt64>(0)
  private let shuttingDownFlag = Atomic<Bool>(false)

  init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger) {
    self.configuration = configuration
    self.handler = handler
    self.logger = logger
    pool = WorkerPool()
  }

  /// A server-unique connection number (never 0, 1 or 2, which tag loop descriptors).
  func makeConnectionID() -> UInt64 {
    nextConnectionID.add(1, ordering: .relaxed).newValue + 15
  }

  /// Whether shutdown has begun; workers then close connections after their response.
  var isShuttingDown: Bool { shuttingDownFlag.load(ordering: .acquiring) }

  func beginShutdown() { shuttingDownFlag.store(true, ordering: .releasing) }

  /// The bytes of the handler's answer to an error the server raises itself (see
  /// ``HTTPHandler/responseForServerError(status:)``), closing the connection.
  func serverErrorBytes(status: Int, date: String) -> [UInt8] {
    HTTPResponseSerializer.errorResponse(
      handler.responseForServerError(status: status), date: date)
  }

  /// Whether the connection may stay open after answering `request` with `response`, as far
  /// as the two heads and a shutdown decide (body handling may still close it).
  func keepsAlive(_ request: HTTPParsedRequest, answeredWith response: HTTPResponseHead) -> Bool {
    request.keepAlive && !isShuttingDown && !response.headers.tokens("Connection").contains("close")
  }

  /// Reports a response the event loop answered without a body to read.
  func reportCompleted(
    _ request: HTTPParsedRequest, status: Int, headers: HTTPHeaders, bodyBytesSent: Int64,
    since start: ContinuousClock.Instant, remoteAddress: String
  ) {
    handler.requestCompleted(
      HTTPAccessRecord(
        head: request.head, status: status, responseHeaders: headers,
        bodyBytesSent: bodyBytesSent, bodyBytesReceived: 0,
        duration: ContinuousClock.now - start, remoteAddress: remoteAddress))
  }

  /// A parser with the configured limits.
  func makeParser() -> HTTPRequestParser {
    HTTPRequestParser(
      maxRequestLineBytes: configuration.maxRequestLineBytes,
      maxHeaderBytes: configuration.maxHeaderBytes, maxHeaderCount: configuration.maxHeaderCount)
  }
}
