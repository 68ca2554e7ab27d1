import Glibc

/// The status and header fields of a response.
///
/// The server adds `Date`, `Server` and `Content-Length` itself and manages `Connection`;
/// see ``HTTPResponse`` for the rules.
public struct HTTPResponseHead: Sendable {
  /// The status code, e.g. 200.
  public var status: Int
  /// The header fields to send, in order.
  public var headers: HTTPHeaders

  /// Creates a response head.
  public init(status: Int, headers: HTTPHeaders = HTTPHeaders()) {
    self.status = status
    self.headers = headers
  }
}

/// A byte range of an open file, sent with `sendfile(2)`.
///
/// The server takes ownership of `descriptor` and closes it after sending, also when the
/// send fails and for HEAD requests, where nothing is sent; unless `owner` is set, in which
/// case the descriptor belongs to the owner, which the server keeps referenced until the
/// response is done and which closes it. The file must hold at least `offset + count` bytes;
/// if it turns out shorter, the connection is closed mid-body.
public struct HTTPFileRegion: Sendable {
  /// An open, readable file descriptor, owned by the server once handed over.
  public var descriptor: Int32
  /// Where in the file the range starts.
  public var offset: Int64
  /// How many bytes to send; this is the response's `Content-Length`.
  public var count: Int64
  /// The object that keeps `descriptor` open, when the server only borrows it.
  public var owner: (any AnyObject & Sendable)?

  /// Creates a region; see the type's documentation for ownership of `descriptor`.
  public init(
    descriptor: Int32, offset: Int64, count: Int64, owner: (any AnyObject & Sendable)? = nil
  ) {
    self.descriptor = descriptor
    self.offset = offset
    self.count = count
    self.owner = owner
  }

  /// Lets go of the descriptor: closes it when the server owns it.
  func release() {
    if owner == nil { close(descriptor) }
  }
}

/// A response body.
public enum HTTPResponseBody: Sendable {
  /// No body. A `Content-Length` the handler set is kept (how HEAD answers and 304s report
  /// the representation's length); otherwise `Content-Length: 0` is sent, except for 1xx,
  /// 204 and 304 responses.
  case empty
  /// A body held in memory; `Content-Length` is its count.
  case bytes([UInt8])
  /// A file range sent with `sendfile(2)`; `Content-Length` is the region's count.
  case file(HTTPFileRegion)
}

/// A complete response as returned by a handler.
///
/// The server writes it as follows: status line `HTTP/1.1`; the handler's headers in order,
/// minus any `Transfer-Encoding` (bodies are always sent with a length) and with
/// `Content-Length` set from the body (none for 1xx and 204, RFC 9110 §8.6); `Date` and
/// `Server: LakeStore` added unless present; `Connection: close` when the connection will
/// close, `Connection: keep-alive` for a persistent HTTP/1.0 connection. A handler's own
/// `Connection: close` closes the connection after the response. For HEAD requests the body
/// is never written (RFC 9110 §9.3.2) but its length is still announced.
public struct HTTPResponse: Sendable {
  /// Status and headers.
  public var head: HTTPResponseHead
  /// The body.
  public var body: HTTPResponseBody

  /// Creates a response.
  public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: HTTPResponseBody = .empty) {
    head = HTTPResponseHead(status: status, headers: headers)
    self.body = body
  }
}
