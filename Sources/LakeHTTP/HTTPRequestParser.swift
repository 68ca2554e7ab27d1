import Glibc

/// Parses HTTP/1.x request heads from bytes as they arrive. A pure value: no sockets, no
/// clocks.
///
/// Feed it whatever bytes are available with ``parse(_:)-(UnsafeRawBufferPointer)``; it keeps
/// a partial head internally and answers ``Step/needMore`` (all bytes taken), a complete
/// request with the count of bytes it used (the rest belong to the body or the next
/// pipelined request), or an error whose status the server answers before closing. After a
/// complete request the parser is ready for the next head; after an error it stays failed.
///
/// Limits: a request line longer than `maxRequestLineBytes` is a `400`; a head (request
/// line, header lines and line ends) larger than `maxHeaderBytes` or with more than
/// `maxHeaderCount` fields is a `431` (RFC 6585 §5). Both are detected as soon as the bytes
/// arrive, not after the line ends.
public struct HTTPRequestParser: Sendable {
  /// The result of feeding bytes.
  public enum Step: Sendable {
    /// The head is not complete yet; every byte was taken.
    case needMore
    /// A head is complete; `consumed` bytes of this input were part of it.
    case complete(HTTPParsedRequest, consumed: Int)
    /// The head is invalid; answer `error.status` and close the connection.
    case failed(HTTPParseError)
  }

  let maxRequestLineBytes: Int
  let maxHeaderBytes: Int
  let maxHeaderCount: Int

  /// The current line without its line feed.
  var line: [UInt8] = []
  /// Bytes taken for the current head so far.
  var headBytes = 0
  /// The request line, once it has been read.
  var requestLine: (method: String, target: String, version: HTTPVersion)?
  /// Header fields read so far.
  var fields: [HTTPHeaders.Element] = []
  var failure: HTTPParseError?

  /// Creates a parser with the given limits (see the type's documentation).
  public init(
    maxRequestLineBytes: Int = 16 * 1024, maxHeaderBytes: Int = 64 * 1024,
    maxHeaderCount: Int = 100
  ) {
    self.maxRequestLineBytes = maxRequestLineBytes
    self.maxHeaderBytes = maxHeaderBytes
    self.maxHeaderCount = maxHeaderCount
  }

  /// Whether some bytes of a head have arrived (the header-read timeout runs from then).
  public var hasPartialHead: Bool { headBytes > 0 }

  /// Feeds bytes; see the type's documentation.
  public mutating func parse(_ bytes: [UInt8]) -> Step {
    bytes.withUnsafeBytes { parse($0) }
  }

  /// Feeds bytes; see the type's documentation.
  public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> Step {
    if let failure { return .failed(failure) }
    guard let base = bytes.baseAddress else { return .needMore }
    var index = 0
    while index < bytes.count {
      let rest = bytes.count - index
      guard let found = memchr(base + index, Int32(UInt8(ascii: "\n")), rest) else {
        line.append(contentsOf: UnsafeRawBufferPointer(start: base + index, count: rest))
        headBytes += rest
        let error = line.withUnsafeBytes { limitError(line: $0, complete: false) }
        if let error { return fail(error) }
        return .needMore
      }
      let end = base.distance(to: UnsafeRawPointer(found))
      headBytes += end - index + 1
      let result: Result<HTTPParsedRequest?, HTTPParseError>
      if line.isEmpty {
        // The whole line is in `bytes` (the usual case): parse it where it lies.
        let current = UnsafeRawBufferPointer(start: base + index, count: end - index)
        if let error = limitError(line: current, complete: true) { return fail(error) }
        result = processLine(Self.trimmingCR(current))
      } else {
        line.append(contentsOf: UnsafeRawBufferPointer(start: base + index, count: end - index))
        let error = line.withUnsafeBytes { limitError(line: $0, complete: true) }
        if let error { return fail(error) }
        result = line.withUnsafeBytes { processLine(Self.trimmingCR($0)) }
        line.removeAll(keepingCapacity: true)
      }
      index = end + 1
      switch result {
      case .failure(let error): return fail(error)
      case .success(let request?):
        reset()
        return .complete(request, consumed: index)
      case .success(nil): break
      }
    }
    return .needMore
  }

  /// `line` without a final CR: RFC 9112 §2.2 lets a recipient accept a bare LF as line
  /// terminator and ignore a CR before it.
  private static func trimmingCR(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    guard let last = line.last, last == UInt8(ascii: "\r") else { return line }
    return UnsafeRawBufferPointer(rebasing: line[..<(line.count - 1)])
  }

  /// The limit the head breaks, if any, when its current line holds `line` so far (without
  /// its LF; `complete` when the LF has arrived too) and `headBytes` counts every byte taken.
  ///
  /// The answer depends on the bytes alone, never on how they were split into reads: the
  /// limit broken at the earlier byte wins, the request line's at the same byte. (Checking
  /// "line too long" before "head too large" at each read instead made a head of many empty
  /// lines and then a long request line a 400 when read whole and a 431 when read in small
  /// pieces; found by the `http-head` fuzz target.)
  private func limitError(line: UnsafeRawBufferPointer, complete: Bool) -> HTTPParseError? {
    // 1-based positions, within the current line, of the bytes that broke each limit.
    var lineBreak: Int?
    if requestLine == nil && line.count > maxRequestLineBytes {
      // The request line may have `maxRequestLineBytes` bytes not counting a CR at its end;
      // a CR just past the limit breaks it only once another byte follows the CR.
      if line[maxRequestLineBytes] != UInt8(ascii: "\r") {
        lineBreak = maxRequestLineBytes + 1
      } else if line.count > maxRequestLineBytes + 1 {
        lineBreak = maxRequestLineBytes + 2
      }
    }
    var headBreak: Int?
    if headBytes > maxHeaderBytes {
      let lineStart = headBytes - line.count - (complete ? 1 : 0)
      headBreak = maxHeaderBytes + 1 - lineStart
    }
    if let lineBreak, lineBreak <= headBreak ?? .max {
      return .badRequest("request line longer than \(maxRequestLineBytes) bytes")
    }
    if headBreak != nil {
      return HTTPParseError(status: 431, reason: "head larger than \(maxHeaderBytes) bytes")
    }
    return nil
  }

  private mutating func fail(_ error: HTTPParseError) -> Step {
    failure = error
    line = []
    fields = []
    return .failed(error)
  }

  private mutating func reset() {
    line.removeAll(keepingCapacity: true)
    headBytes = 0
    requestLine = nil
    fields = []
  }

  /// Handles one complete line (without its line end); returns the request when the line
  /// ended the head.
  private mutating func processLine(_ line: UnsafeRawBufferPointer) -> Result<
    HTTPParsedRequest?, HTTPParseError
  > {
    guard let requestLine else {
      // RFC 9112 §2.2: ignore empty lines received before the request line.
      if line.isEmpty { return .success(nil) }
      switch Self.parseRequestLine(line) {
      case .success(let parsed):
        self.requestLine = parsed
        return .success(nil)
      case .failure(let error): return .failure(error)
      }
    }
    if line.isEmpty {
      let head = HTTPRequestHead(
        method: requestLine.method, target: requestLine.target, version: requestLine.version,
        headers: HTTPHeaders(fields: fields))
      return Self.frame(head).map { Optional($0) }
    }
    if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") {
      // RFC 9112 §5.2: obsolete line folding may be rejected with 400; and whitespace before
      // the first field must be (RFC 9112 §2.2).
      return .failure(.badRequest("obsolete line folding or whitespace before a field"))
    }
    if fields.count >= maxHeaderCount {
      return .failure(HTTPParseError(status: 431, reason: "more than \(maxHeaderCount) fields"))
    }
    switch Self.parseField(line) {
    case .success(let field):
      fields.append(field)
      return .success(nil)
    case .failure(let error): return .failure(error)
    }
  }
}
