extension EventLoop {
  /// Waits, without holding a thread, for the client of a request whose body is being
  /// received to send more; the request stays counted in flight.
  func suspendReceiving(_ connection: Connection, _ reception: BodyReception) {
    connection.phase = .receiving
    connection.reception = reception
    guard scheduleReceivingDeadline(connection) else { return }
    if !arm(connection) {
      reception.failure = .connectionClosed
      resumeReceiving(connection)
    }
  }

  /// Bytes arrived (or the peer closed, or the body failed): a worker goes on receiving.
  func resumeReceiving(_ connection: Connection) {
    guard let reception = connection.reception else { return }
    connection.reception = nil
    connection.phase = .inFlight
    submitToWorker(
      WorkerPool.Job(
        connection: connection, request: reception.request, receivedAt: reception.receivedAt,
        prepared: .continuingBody(reception)))
  }

  /// A `.receiving` connection's deadline passed: within the limits (a rate window closed
  /// with enough bytes) it waits on; else the body has stalled or is too slow.
  func receivingDeadlinePassed(_ connection: Connection) {
    _ = scheduleReceivingDeadline(connection)
  }

  /// Sets the deadline by which the parked body must make progress; when it has already
  /// stalled or fallen below the rate, hands it to a worker to fail instead (false).
  private func scheduleReceivingDeadline(_ connection: Connection) -> Bool {
    guard let reception = connection.reception else { return false }
    guard let budget = reception.body.waitBudget() else {
      reception.failure = .timeout
      resumeReceiving(connection)
      return false
    }
    connection.deadline = .now + budget
    schedule(connection.deadline)
    return true
  }
}
