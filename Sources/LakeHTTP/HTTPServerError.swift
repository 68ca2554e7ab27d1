import Glibc

/// Why the server could not start.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
  /// What went wrong, for people, e.g. `address 127.0.0.1:9000 is already in use`.
  public var message: String
  /// The system error number, when a system call failed.
  public var errno: Int32?

  /// Creates an error.
  public init(message: String, errno: Int32? = nil) {
    self.message = message
    self.errno = errno
  }

  /// The message, followed by the system's text for `errno`.
  public var description: String {
    guard let errno else { return message }
    return "\(message): \(String(cString: strerror(errno)))"
  }
}
