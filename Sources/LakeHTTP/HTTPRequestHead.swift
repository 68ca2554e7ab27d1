/// A parsed request line and header section.
///
/// Everything is kept as received: the method's case, the raw request-target with its
/// percent-encoding untouched, and the header fields in order.
public struct HTTPRequestHead: Sendable {
  /// The method as sent, e.g. `GET`. Methods are case-sensitive (RFC 9110 §9.1); unknown
  /// methods reach the handler, which answers them.
  public var method: String
  /// The raw request-target, e.g. `/b/k%20x?list-type=2` (RFC 9112 §3.2).
  public var target: String
  /// The raw part of `target` before the first `?`.
  public var path: String
  /// The raw part of `target` after the first `?`, or nil when there is no `?`.
  public var query: String?
  /// The protocol version of the request line.
  public var version: HTTPVersion
  /// The header fields in the order received.
  public var headers: HTTPHeaders

  /// Creates a head, splitting `target` into `path` and `query` at the first `?`.
  public init(
    method: String, target: String, version: HTTPVersion = .http1Dot1,
    headers: HTTPHeaders = HTTPHeaders()
  ) {
    self.method = method
    self.target = target
    if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
      path = String(target[..<mark])
      query = String(target[target.utf8.index(after: mark)...])
    } else {
      path = target
      query = nil
    }
    self.version = version
    self.headers = headers
  }
}
