import Glibc

/// The request body as a blocking stream of decoded bytes.
///
/// Valid only during ``HTTPHandler/handle(_:body:context:)`` and only on the worker thread
/// that called it; not `Sendable`. Reads block (with ``HTTPServerConfiguration/bodyStallTimeout``
/// between bytes) and are safe because handlers run on server worker threads. After the first
/// error every later read throws the same error, and the connection closes after the
/// response.
public final class HTTPRequestBody {
  enum Source {
    case socket(Connection, read: TransferLimits, write: TransferLimits)
    case memory([UInt8])
  }

  let source: Source
  let framing: HTTPBodyFraming
  let maxBodyBytes: Int64
  var continuePending: Bool
  /// Whether `100 Continue` went out for this request.
  var continueSent = false
  var remaining: Int64
  var decoder: ChunkedDecoder
  /// Whether the whole body has been read.
  var finished: Bool
  var failure: HTTPBodyError?
  /// Decoded bytes handed out or drained so far.
  var bytesReceived: Int64 = 0
  /// Set once the handler returned; later reads throw ``HTTPBodyError/connectionClosed``.
  var invalidated = false
  var memoryOffset = 0
  /// For an in-memory body: the error reads throw once its bytes are used up.
  var deferredFailure: HTTPBodyError?
  /// The body's pace against the stall timeout and minimum rate, from the first read on.
  var progress: TransferProgress?
  /// Whether reads wait for the socket (a handler reading the body itself); false while the
  /// server receives the body for a sink or a buffer, and parks the request instead.
  var waits = true

  init(_ request: HTTPParsedRequest, connection: Connection, configuration: HTTPServerConfiguration)
  {
    source = .socket(
      connection, read: configuration.bodyLimits, write: configuration.writeLimits)
    framing = request.framing
    maxBodyBytes = configuration.maxBodyBytes
    decoder = ChunkedDecoder(maxBodyBytes: configuration.maxBodyBytes)
    switch framing {
    case .none: remaining = 0
    case .length(let length): remaining = length
    case .chunked: remaining = 0
    }
    finished = framing == .none || framing == .length(0)
    // RFC 9110 §10.1.1: a server may omit 100 Continue when body bytes already arrived.
    continuePending = request.expectsContinue && !finished && !connection.hasBufferedBytes
  }

  /// An in-memory body with `Content-Length` framing, for testing handlers without sockets.
  public convenience init(bytes: [UInt8]) {
    self.init(bytes: bytes, failure: nil)
  }

  /// An in-memory body the server received; `failure`, if set, is thrown by reads after the
  /// bytes (the body ended that way).
  init(bytes: [UInt8], failure: HTTPBodyError?, chunked: Bool = false) {
    source = .memory(bytes)
    framing = chunked ? .chunked : bytes.isEmpty ? .none : .length(Int64(bytes.count))
    maxBodyBytes = .max
    decoder = ChunkedDecoder()
    remaining = Int64(bytes.count)
    deferredFailure = failure
    finished = bytes.isEmpty && failure == nil
    continuePending = false
  }

  /// The `Content-Length` when the body is not chunked; nil for chunked bodies and when the
  /// request declared no length.
  public var declaredLength: Int64? {
    if case .length(let length) = framing { return length }
    return nil
  }

  /// Whether the body is sent with `Transfer-Encoding: chunked`.
  public var isChunked: Bool { framing == .chunked }

  /// Whether there is a body: false without `Content-Length` and chunked framing, and for
  /// `Content-Length: 0`.
  public var hasBody: Bool {
    switch framing {
    case .none: false
    case .length(let length): length > 0
    case .chunked: true
    }
  }

  /// Reads decoded body bytes into `buffer`, blocking until at least one byte is available.
  ///
  /// Sends `100 Continue` first if the client asked for it (RFC 9110 §10.1.1), so a
  /// handler that never reads makes the client skip sending the body.
  ///
  /// - Precondition: `buffer` is not empty.
  /// - Returns: the number of bytes read; 0 at the end of the body.
  /// - Throws: ``HTTPBodyError/timeout`` when no byte arrived within the stall timeout,
  ///   or when the body moved slower than ``HTTPServerConfiguration/minTransferRate``,
  ///   ``HTTPBodyError/connectionClosed`` when the peer went away, ``HTTPBodyError/malformed``
  ///   for broken chunked framing, ``HTTPBodyError/tooLarge`` past
  ///   ``HTTPServerConfiguration/maxBodyBytes``.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPBodyError) -> Int {
    precondition(buffer.count > 0, "HTTPRequestBody.read needs room for at least one byte")
    return try readAvailable(into: buffer) ?? 0
  }

  /// Like ``read(into:)``, but returns nil instead of waiting when ``waits`` is false and no
  /// byte is available yet.
  func readAvailable(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPBodyError) -> Int? {
    if invalidated { throw .connectionClosed }
    if let failure { throw failure }
    if finished { return 0 }
    do {
      guard let count = try readSome(into: buffer) else { return nil }
      bytesReceived += Int64(count)
      return count
    } catch {
      failure = error
      throw error
    }
  }

  /// Reads the whole remaining body into memory, for small bodies such as XML documents.
  ///
  /// - Throws: ``HTTPBodyError/tooLarge`` when the body is longer than `limit` bytes (at
  ///   once when a `Content-Length` says so), or any error of ``read(into:)``.
  public func readAll(limit: Int) throws(HTTPBodyError) -> [UInt8] {
    if let length = declaredLength, length - bytesReceived > Int64(limit) {
      failure = .tooLarge
      throw .tooLarge
    }
    var result: [UInt8] = []
    if let length = declaredLength { result.reserveCapacity(Int(length - bytesReceived)) }
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { chunk.deallocate() }
    while true {
      let count = try read(into: chunk)
      if count == 0 { return result }
      if result.count + count > limit {
        failure = .tooLarge
        throw .tooLarge
      }
      result.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
    }
  }

  /// How long the body may still wait for its next bytes (stall timeout, rate window), or
  /// nil when it has stalled or fallen below the minimum rate.
  func waitBudget() -> Duration? {
    startProgress()
    return progress?.waitBudget()
  }

  /// Starts measuring the body's pace against its limits, once (socket bodies only).
  func startProgress() {
    if progress == nil, case .socket(_, let limits, _) = source {
      progress = TransferProgress(limits)
    }
  }

  /// Waits up to `limit` for body bytes; false when none came. Throws
  /// ``HTTPBodyError/timeout`` when the body has stalled or fallen below the minimum rate.
  func waitBriefly(_ limit: Duration) throws(HTTPBodyError) -> Bool {
    guard case .socket(let connection, _, _) = source else { return true }
    guard let budget = waitBudget() else { throw .timeout }
    return Socket.wait(connection.fd, writable: false, timeout: min(budget, limit))
  }
}
