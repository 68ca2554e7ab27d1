/// Why a request head was rejected, with the status to answer before closing the connection.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The status to answer: 400, 431, 501 or 505.
  public var status: Int
  /// A short explanation for logs (never sent to the client).
  public var reason: String

  /// Creates an error.
  public init(status: Int, reason: String) {
    self.status = status
    self.reason = reason
  }

  /// `status reason`.
  public var description: String { "\(status) \(reason)" }

  static func badRequest(_ reason: String) -> HTTPParseError {
    HTTPParseError(status: 400, reason: reason)
  }
}

/// How the length of a request body is determined (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
  /// Neither `Content-Length` nor `Transfer-Encoding`: the request has no body.
  case none
  /// `Content-Length: n`.
  case length(Int64)
  /// `Transfer-Encoding: chunked`.
  case chunked
}

/// A complete request head and what the connection needs to know to read its body.
public struct HTTPParsedRequest: Sendable {
  /// The head as the handler sees it.
  public var head: HTTPRequestHead
  /// How the body is delimited.
  public var framing: HTTPBodyFraming
  /// Whether the connection may stay open after the response, judging by the request alone:
  /// false for `Connection: close`, for HTTP/1.0 without `Connection: keep-alive`
  /// (RFC 9112 §9.3) and when both `Transfer-Encoding` and `Content-Length` were sent
  /// (RFC 9112 §6.3 item 3).
  public var keepAlive: Bool
  /// Whether the client sent `Expect: 100-continue` on HTTP/1.1 (RFC 9110 §10.1.1).
  public var expectsContinue: Bool
}
