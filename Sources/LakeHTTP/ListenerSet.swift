import CLakeSystem
import Glibc

/// The listening sockets of one server: one per event loop, all bound to the same address
/// with `SO_REUSEPORT`, so the kernel spreads new connections over the loops.
struct ListenerSet {
  /// Pending connections per listening socket.
  static let backlog: Int32 = 1024

  let descriptors: [Int32]
  let port: Int

  /// Binds `eventLoopCount` sockets: the first to the configured port (0 lets the kernel
  /// pick), the others to the port the first got.
  static func bind(_ configuration: HTTPServerConfiguration) throws(HTTPServerError)
    -> ListenerSet
  {
    let host = configuration.host
    var gaiError: Int32 = 0
    if configuration.port != 0 && lake_tcp_probe(host, Int32(configuration.port), &gaiError) != 0 {
      // SO_REUSEPORT would silently share the port with another server of the same user;
      // the probe binds without it and so sees any listener.
      throw error(host: host, port: configuration.port, gaiError: gaiError)
    }
    var descriptors: [Int32] = []
    var port = configuration.port
    for _ in 0..<configuration.eventLoopCount {
      let fd = lake_tcp_listen(host, Int32(port), backlog, 1, &gaiError)
      guard fd >= 0 else {
        let failure = error(host: host, port: port, gaiError: gaiError)
        for open in descriptors { close(open) }
        throw failure
      }
      descriptors.append(fd)
      if port == 0 { port = Int(lake_local_port(fd)) }
    }
    return ListenerSet(descriptors: descriptors, port: port)
  }

  private static func error(host: String, port: Int, gaiError: Int32) -> HTTPServerError {
    let code = errno
    if gaiError != 0 {
      let text = String(cString: gai_strerror(gaiError))
      return HTTPServerError(message: "cannot resolve host \(host): \(text)")
    }
    switch code {
    case EADDRINUSE:
      return HTTPServerError(message: "address \(host):\(port) is already in use", errno: code)
    case EACCES:
      return HTTPServerError(message: "no permission to listen on \(host):\(port)", errno: code)
    case EADDRNOTAVAIL:
      return HTTPServerError(message: "address \(host) is not available here", errno: code)
    default:
      return HTTPServerError(message: "cannot listen on \(host):\(port)", errno: code)
    }
  }
}
