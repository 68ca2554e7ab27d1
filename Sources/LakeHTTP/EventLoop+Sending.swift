extension EventLoop {
  /// Waits, without holding a thread, for the socket of a connection whose response is
  /// partly written to take more. The request stays counted in flight.
  func suspendSending(_ connection: Connection, _ pending: PendingResponse) {
    connection.phase = .sending
    connection.pending = pending
    guard scheduleSendingDeadline(connection) else { return }
    if !arm(connection, writable: true) { failSending(connection) }
  }

  /// The socket of a `.sending` connection has room (or failed): bytes in memory are sent
  /// here; a file remainder goes to a worker, since `sendfile` may wait for the disk.
  func continueSending(_ connection: Connection) {
    guard let pending = connection.pending else { return }
    if pending.needsWorker {
      connection.pending = nil
      connection.phase = .inFlight
      submitToWorker(
        WorkerPool.Job(
          connection: connection, request: pending.request, receivedAt: pending.receivedAt,
          prepared: .continuing(pending)))
      return
    }
    switch pending.writeAvailable(connection.fd) {
    case .blocked:
      suspendSending(connection, pending)
    case .failed:
      failSending(connection)
    case .done:
      connection.pending = nil
      core.handler.requestCompleted(pending.record(remoteAddress: connection.remoteAddress))
      core.inFlight.subtract(1, ordering: .relaxed)
      guard pending.keepAlive && !shuttingDown else {
        startLinger(connection)
        return
      }
      connection.phase = .waiting
      resetDeadline(connection)
      if connection.hasBufferedBytes {
        readHead(connection, parseFirst: true)
      } else if !arm(connection) {
        closeConnection(connection)
      }
    }
  }

  /// A `.sending` connection whose wait ended without room: still within the limits (a rate
  /// window closed with enough bytes) it waits on, else the response is given up.
  func sendingDeadlinePassed(_ connection: Connection) {
    _ = scheduleSendingDeadline(connection)
  }

  /// Sets the deadline by which the parked response must make progress; when it has
  /// already stalled or fallen below the rate, gives it up instead (false).
  private func scheduleSendingDeadline(_ connection: Connection) -> Bool {
    guard let pending = connection.pending, let budget = pending.progress.waitBudget() else {
      failSending(connection)
      return false
    }
    connection.deadline = .now + budget
    schedule(connection.deadline)
    return true
  }

  /// Ends a response that cannot be finished (the peer is gone, too slow, or the server is
  /// closing): reports what was sent and closes the connection.
  func failSending(_ connection: Connection) {
    if let pending = connection.pending {
      connection.pending = nil
      core.handler.requestCompleted(pending.record(remoteAddress: connection.remoteAddress))
    }
    core.inFlight.subtract(1, ordering: .relaxed)
    closeConnection(connection)
  }
}
