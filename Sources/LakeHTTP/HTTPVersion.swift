/// An HTTP protocol version as sent in a request line (`HTTP/1.1`).
///
/// The server accepts requests of versions 1.0 and 1.1 and always answers with `HTTP/1.1`,
/// its highest conformant version (RFC 9110 §6.2).
public struct HTTPVersion: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// The major version, `1` for HTTP/1.x.
  public var major: Int
  /// The minor version, `0` or `1` for the versions this server accepts.
  public var minor: Int

  /// Creates a version `HTTP/major.minor`.
  public init(major: Int, minor: Int) {
    self.major = major
    self.minor = minor
  }

  /// `HTTP/1.0`.
  public static let http1Dot0 = HTTPVersion(major: 1, minor: 0)
  /// `HTTP/1.1`.
  public static let http1Dot1 = HTTPVersion(major: 1, minor: 1)

  /// The version as it appears on the wire, e.g. `HTTP/1.1`.
  public var description: String { "HTTP/\(major).\(minor)" }
}
