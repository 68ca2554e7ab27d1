import Glibc

extension HTTPServer {
  /// Stops the server and blocks until it has stopped.
  ///
  /// Stops accepting and closes idle connections at once; in-flight requests may finish
  /// within ``HTTPServerConfiguration/shutdownGracePeriod`` (their responses carry
  /// `Connection: close`). After that, sockets still in use are shut down so blocked body
  /// reads and writes fail, and everything is closed. A handler that never returns cannot be
  /// interrupted: its worker thread is left detached and closes its connection when it ends.
  /// Idempotent; a call while another is running waits for it. Does nothing before
  /// ``start()``.
  public func shutdown() {
    lifecycle.lock()
    defer { lifecycle.unlock() }
    let running: Running? = state.withLock { state in
      guard case .running(let running) = state else { return nil }
      state = .stopped
      return running
    }
    guard let running else {
      state.withLock { if case .idle = $0 { $0 = .stopped } }
      return
    }
    let core = running.core
    let grace = core.configuration.shutdownGracePeriod
    logger.info(
      "HTTP server shutting down",
      metadata: ["inFlight": "\(core.inFlight.load(ordering: .relaxed))"])
    core.beginShutdown()
    for loop in running.loops { loop.post(.beginShutdown) }
    let drained = waitUntil(.now + grace) { core.openConnections.load(ordering: .relaxed) == 0 }
    if !drained {
      logger.info(
        "grace period over, closing connections",
        metadata: ["inFlight": "\(core.inFlight.load(ordering: .relaxed))"])
      for loop in running.loops { loop.post(.forceClose) }
      _ = waitUntil(.now + .seconds(1)) { core.inFlight.load(ordering: .relaxed) == 0 }
    }
    for loop in running.loops { loop.post(.stop) }
    for thread in running.loopThreads { SystemThread.join(thread) }
    if !core.pool.stop(timeout: .seconds(1)) {
      logger.info("HTTP server stopped with handlers still running")
    }
    logger.info("HTTP server stopped")
  }

  /// Polls `condition` every few milliseconds until it holds (true) or `deadline` (false).
  private func waitUntil(_ deadline: ContinuousClock.Instant, _ condition: () -> Bool) -> Bool {
    while !condition() {
      if ContinuousClock.now >= deadline { return false }
      usleep(5_000)
    }
    return true
  }
}
