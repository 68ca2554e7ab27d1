/// Why reading a request body failed. After any of these the connection closes once the
/// handler's response has been written.
public enum HTTPBodyError: Error, Sendable, Equatable {
  /// No body bytes arrived within ``HTTPServerConfiguration/bodyStallTimeout``.
  case timeout
  /// The client closed (or reset) the connection before the body ended, or the server is
  /// shutting down past its grace period.
  case connectionClosed
  /// The chunked framing is invalid (RFC 9112 §7.1).
  case malformed
  /// The body is larger than ``HTTPServerConfiguration/maxBodyBytes`` or the caller's limit.
  case tooLarge
}
