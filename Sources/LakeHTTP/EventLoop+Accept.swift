import CLakeSystem
import Glibc

extension EventLoop {
  /// Accepts pending connections (a bounded batch, so one busy listener cannot starve the
  /// other events of this loop).
  func acceptConnections() {
    let peer = UnsafeMutablePointer<CChar>.allocate(capacity: 64)
    defer { peer.deallocate() }
    for _ in 0..<64 {
      let fd = lake_accept(listenFD, peer, 64)
      if fd < 0 {
        switch errno {
        case EINTR, ECONNABORTED, EPROTO: continue
        case EAGAIN, EWOULDBLOCK: return
        case EMFILE, ENFILE, ENOBUFS, ENOMEM:
          // Out of descriptors or memory: the listener stays readable, so stop watching it
          // for a moment instead of spinning.
          core.logger.info("accept paused", metadata: ["errno": "\(errno)"])
          lake_epoll_ctl(epoll, LAKE_EPOLL_CTL_MOD, listenFD, 0, Self.listenTag)
          acceptPausedUntil = .now + Self.acceptPause
          return
        default:
          core.logger.info("accept failed", metadata: ["errno": "\(errno)"])
          return
        }
      }
      lake_set_nodelay(fd)
      let address = String(cString: peer)
      let limit = core.configuration.maxConnections
      if shuttingDown || core.openConnections.add(1, ordering: .relaxed).newValue > limit {
        if !shuttingDown { core.openConnections.subtract(1, ordering: .relaxed) }
        refuse(fd, address: address)
        continue
      }
      let now = ContinuousClock.now
      let connection = Connection(
        id: core.makeConnectionID(), fd: fd, remoteAddress: address, loop: self, counted: true,
        parser: core.makeParser(), deadline: now + core.configuration.idleTimeout)
      connections[connection.id] = connection
      guard arm(connection) else {
        closeConnection(connection)
        continue
      }
      schedule(connection.deadline)
    }
  }

  /// Answers a connection over `maxConnections` (or during shutdown) with a `503` and closes
  /// it, lingering briefly so the client can read the answer.
  private func refuse(_ fd: Int32, address: String) {
    let response = core.serverErrorBytes(status: 503, date: dateCache.now())
    response.withUnsafeBytes { _ = lake_send(fd, $0.baseAddress, $0.count, 0) }
    guard refusedCount < core.configuration.maxConnections else {
      close(fd)
      return
    }
    let connection = Connection(
      id: core.makeConnectionID(), fd: fd, remoteAddress: address, loop: self, counted: false,
      parser: core.makeParser(), deadline: .now)
    refusedCount += 1
    connections[connection.id] = connection
    startLinger(connection)
  }

  /// Watches the listening socket again after a pause.
  func resumeAccepting() {
    acceptPausedUntil = nil
    if listenFD >= 0 {
      lake_epoll_ctl(epoll, LAKE_EPOLL_CTL_MOD, listenFD, LAKE_EPOLLIN, Self.listenTag)
    }
  }
}
