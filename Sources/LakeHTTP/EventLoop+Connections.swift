import CLakeSystem
import Glibc

extension EventLoop {
  /// Registers `connection` for readability, or with `writable` for writability.
  ///
  /// Level-triggered and persistent while the loop owns the connection: a connection that
  /// goes on waiting for the same event costs no system call, and bytes (or room) already
  /// there are reported at the next wait. A connection handed to a worker is taken out of
  /// the set first (``disarm(_:)``), so it never wakes the loop meanwhile.
  func arm(_ connection: Connection, writable: Bool = false) -> Bool {
    let events = writable ? LAKE_EPOLLOUT : LAKE_EPOLLIN | LAKE_EPOLLRDHUP
    if connection.registered && connection.armedEvents == events { return true }
    let operation = connection.registered ? LAKE_EPOLL_CTL_MOD : LAKE_EPOLL_CTL_ADD
    guard lake_epoll_ctl(epoll, operation, connection.fd, events, connection.id) == 0 else {
      return false
    }
    connection.registered = true
    connection.armedEvents = events
    return true
  }

  /// Takes `connection` out of the epoll set before a worker gets it.
  func disarm(_ connection: Connection) {
    guard connection.registered else { return }
    lake_epoll_ctl(epoll, LAKE_EPOLL_CTL_DEL, connection.fd, 0, connection.id)
    connection.registered = false
  }

  /// Gives `job` to a worker; the connection leaves the loop's epoll set meanwhile.
  func submitToWorker(_ job: WorkerPool.Job) {
    disarm(job.connection)
    core.pool.submit(job)
  }

  func handleReadable(_ connection: Connection) {
    switch connection.phase {
    case .inFlight: break
    case .sending: continueSending(connection)
    case .receiving: resumeReceiving(connection)
    case .lingering: discardInput(connection)
    case .waiting: readHead(connection)
    }
  }

  /// Reads and parses until a head is complete, the socket is drained, or it fails. Requests
  /// the handler answers without blocking are answered here, in order, while pipelined ones
  /// are buffered (at most ``answersPerTurn`` in a row); after that the connection waits for
  /// its next readiness event like every other. The first request the handler declines goes
  /// to a worker with the connection.
  ///
  /// `parseFirst` says buffered bytes wait to be parsed before the socket is read again.
  func readHead(_ connection: Connection, parseFirst: Bool = false) {
    var parseFirst = parseFirst
    var answered = 0
    while true {
      if !parseFirst {
        switch connection.receive() {
        case .bytes(let count) where count > 0:
          break
        case .wouldBlock:
          if !arm(connection) { closeConnection(connection) }
          return
        case .bytes, .endOfStream, .failed:
          closeConnection(connection)
          return
        }
      }
      parseFirst = false
      let now = ContinuousClock.now
      switch connection.parseBuffered(now: now) {
      case .needMore:
        if let started = connection.headStartedAt {
          connection.deadline = started + core.configuration.headerReadTimeout
          schedule(connection.deadline)
        }
      case .complete(let request, _):
        switch answerWithoutBlocking(connection, request, receivedAt: now) {
        case .declined:
          dispatch(connection, request, receivedAt: now)
          return
        case .answered(keepAlive: true):
          resetDeadline(connection, now: now)
          answered += 1
          guard connection.hasBufferedBytes else {
            // Wait for the next request in epoll's queue, behind the connections that are
            // already ready: reading this socket again at once would serve a fast client
            // again and again while others wait (a p99 hundreds of times the p50).
            if !arm(connection) { closeConnection(connection) }
            return
          }
          if answered >= Self.answersPerTurn {
            // Let other connections have the loop; go on with this one on the next turn.
            post(.resume(connection))
            return
          }
          parseFirst = true
        case .answered(keepAlive: false):
          startLinger(connection)
          return
        case .handedOff, .closed:
          return
        }
      case .failed(let error):
        core.logger.debug(
          "rejected request head",
          metadata: ["status": "\(error.status)", "reason": "\(error.reason)"])
        sendError(connection, status: error.status)
        startLinger(connection)
        return
      }
    }
  }

  /// Hands a connection with a complete head to the workers, with what the loop already did
  /// for the request.
  func dispatch(
    _ connection: Connection, _ request: HTTPParsedRequest, receivedAt: ContinuousClock.Instant,
    prepared: WorkerPool.Prepared? = nil
  ) {
    connection.phase = .inFlight
    core.inFlight.add(1, ordering: .relaxed)
    submitToWorker(
      WorkerPool.Job(
        connection: connection, request: request, receivedAt: receivedAt, prepared: prepared))
  }

  /// Sets the idle deadline of a connection that waits for its next request (or the
  /// header-read deadline when part of one arrived).
  func resetDeadline(_ connection: Connection, now: ContinuousClock.Instant = .now) {
    let configuration = core.configuration
    if let started = connection.headStartedAt {
      connection.deadline = started + configuration.headerReadTimeout
    } else {
      connection.deadline = now + configuration.idleTimeout
    }
    schedule(connection.deadline)
  }

  /// Takes a connection back from a worker.
  func takeBack(_ connection: Connection, _ handBack: HandBack) {
    core.inFlight.subtract(1, ordering: .relaxed)
    switch handBack {
    case .close:
      closeConnection(connection)
    case .linger:
      startLinger(connection)
    case .keepAlive where shuttingDown:
      closeConnection(connection)
    case .keepAlive:
      connection.phase = .waiting
      connection.releaseBufferIfEmpty()
      resetDeadline(connection)
      if !arm(connection) { closeConnection(connection) }
    }
  }

  /// Writes the handler's error response without blocking; best effort, as the connection
  /// closes right after.
  func sendError(_ connection: Connection, status: Int) {
    let response = core.serverErrorBytes(status: status, date: dateCache.now())
    response.withUnsafeBytes { _ = lake_send(connection.fd, $0.baseAddress, $0.count, 0) }
  }

  /// Closes gracefully: shut down output (the client sees the end of the response), then
  /// discard input until the peer closes or the linger time ends, so unread request bytes
  /// never turn the close into a reset that destroys the response (RFC 9112 §9.6).
  func startLinger(_ connection: Connection) {
    shutdown(connection.fd, Int32(SHUT_WR))
    connection.phase = .lingering
    connection.discardBuffer()
    connection.deadline = .now + (shuttingDown ? Self.shutdownLingerTimeout : Self.lingerTimeout)
    guard arm(connection) else {
      closeConnection(connection)
      return
    }
    schedule(connection.deadline)
  }

  /// Reads and drops what a lingering connection sends.
  private func discardInput(_ connection: Connection) {
    for _ in 0..<16 {
      switch Socket.receive(connection.fd, into: scratch) {
      case .bytes: continue
      case .wouldBlock:
        if !arm(connection) { closeConnection(connection) }
        return
      case .endOfStream, .failed:
        closeConnection(connection)
        return
      }
    }
    if !arm(connection) { closeConnection(connection) }
  }

  /// Closes the socket and forgets the connection. Only the loop closes sockets of
  /// connections it owns.
  func closeConnection(_ connection: Connection) {
    close(connection.fd)
    connections[connection.id] = nil
    if connection.counted {
      core.openConnections.subtract(1, ordering: .relaxed)
    } else {
      refusedCount -= 1
    }
  }
}
