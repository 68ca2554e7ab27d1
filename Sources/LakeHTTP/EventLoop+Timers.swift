import CLakeSystem
import Glibc

extension EventLoop {
  /// Makes sure the loop wakes by `deadline`.
  func schedule(_ deadline: ContinuousClock.Instant) {
    if let next = nextCheck, next <= deadline { return }
    nextCheck = deadline
  }

  /// The `epoll_wait` timeout: until the next deadline or accept resumption, or forever
  /// (-1) when nothing is due, so an idle loop sleeps without spinning.
  func waitMilliseconds() -> Int32 {
    var wake = nextCheck
    if let paused = acceptPausedUntil, wake.map({ paused < $0 }) ?? true { wake = paused }
    guard let wake else { return -1 }
    return (wake - .now).pollMilliseconds
  }

  /// Closes connections whose idle, header-read or linger time is over. Scans every
  /// connection, but only when the earliest deadline has passed, and at most once per
  /// ``timerGranularity``.
  func checkDeadlines() {
    let now = ContinuousClock.now
    if let paused = acceptPausedUntil, paused <= now { resumeAccepting() }
    guard let next = nextCheck, next <= now else { return }
    var expired: [Connection] = []
    var earliest: ContinuousClock.Instant?
    for connection in connections.values where connection.phase != .inFlight {
      if connection.deadline <= now {
        expired.append(connection)
      } else if earliest.map({ connection.deadline < $0 }) ?? true {
        earliest = connection.deadline
      }
    }
    nextCheck = earliest.map { max($0, now + Self.timerGranularity) }
    for connection in expired {
      switch connection.phase {
      case .waiting where connection.parser.hasPartialHead:
        // RFC 9110 §15.5.9: 408 tells a client that was too slow with its request.
        core.logger.debug("header read timeout", metadata: ["peer": "\(connection.remoteAddress)"])
        sendError(connection, status: 408)
        startLinger(connection)
      case .sending:
        sendingDeadlinePassed(connection)
      case .receiving:
        receivingDeadlinePassed(connection)
      case .waiting, .lingering, .inFlight:
        closeConnection(connection)
      }
    }
  }

  /// Stops accepting and closes connections waiting for a request; in-flight requests go on.
  func beginShutdown() {
    shuttingDown = true
    if listenFD >= 0 {
      lake_epoll_ctl(epoll, LAKE_EPOLL_CTL_DEL, listenFD, 0, Self.listenTag)
      close(listenFD)
      listenFD = -1
    }
    acceptPausedUntil = nil
    let lingerDeadline = ContinuousClock.now + Self.shutdownLingerTimeout
    for connection in Array(connections.values) {
      switch connection.phase {
      case .waiting: closeConnection(connection)
      case .lingering: connection.deadline = min(connection.deadline, lingerDeadline)
      case .inFlight, .sending, .receiving: break
      }
    }
    schedule(lingerDeadline)
  }

  /// After the grace period: makes blocked body reads and response writes of in-flight
  /// requests fail at once (the sockets stay open until their workers return them), and
  /// closes lingering connections.
  func forceClose() {
    for connection in Array(connections.values) {
      switch connection.phase {
      case .inFlight: shutdown(connection.fd, Int32(SHUT_RDWR))
      case .sending: failSending(connection)
      case .receiving:
        connection.reception?.failure = .connectionClosed
        resumeReceiving(connection)
      case .waiting, .lingering: closeConnection(connection)
      }
    }
  }
}
