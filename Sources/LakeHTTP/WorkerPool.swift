import Glibc

/// A fixed set of OS threads that serve connections whose request head is complete.
///
/// Handlers block (file I/O, SQLite, `fsync`), so they run here and never on the Swift
/// concurrency pool. At most `workerCount` requests are served at once; the rest wait in a
/// FIFO queue.
final class WorkerPool: @unchecked Sendable {
  /// A connection with a complete request head, waiting for a worker.
  struct Job {
    let connection: Connection
    let request: HTTPParsedRequest
    /// When the head was complete (queueing time counts towards the request's duration).
    let receivedAt: ContinuousClock.Instant
    /// What the event loop already did for this request, if anything.
    var prepared: Prepared? = nil
  }

  /// A request the event loop began answering and hands on because finishing could block.
  enum Prepared {
    /// The handler's response, to be written by the worker (a file body too large, or not in
    /// the page cache).
    case response(HTTPResponse)
    /// A response partly written whose rest needs a worker (a file remainder; the socket has
    /// room again).
    case continuing(PendingResponse)
    /// A request body being received, parked on the loop while the client paused; bytes
    /// (or a deadline) arrived.
    case continuingBody(BodyReception)
  }

  private let lock = ConditionLock()
  private var queue: [Job] = []
  private var head = 0
  private var stopping = false
  private var running = 0
  private var threads: [pthread_t] = []

  /// Starts `count` threads; each calls `makeServe` once on its own thread and then runs the
  /// closure it returned for every job it takes (so per-thread state needs no locking).
  func start(count: Int, makeServe: @escaping @Sendable () -> (Job) -> Void)
    throws(HTTPServerError)
  {
    for index in 0..<count {
      let thread = try SystemThread.spawn(name: "lake-worker-\(index)") { [self] in
        self.run(makeServe())
      }
      lock.withLock {
        threads.append(thread)
        running += 1
      }
    }
  }

  /// Queues a job; a waiting worker takes it.
  func submit(_ job: Job) {
    lock.withLock { queue.append(job) }
    // Signalled after unlocking, so the woken worker does not at once block on the mutex.
    lock.signal()
  }

  /// Lets workers finish the queue and exit, waits up to `timeout` for them, and returns
  /// whether all ended. Threads still busy after that (a handler that never returns) are
  /// detached.
  @discardableResult
  func stop(timeout: Duration) -> Bool {
    let deadline = ContinuousClock.now + timeout
    lock.withLock {
      stopping = true
      lock.broadcast()
    }
    // Polls rather than waiting on the condition, which wakes single workers for new jobs.
    while lock.withLock({ running > 0 }) && ContinuousClock.now < deadline {
      usleep(5_000)
    }
    let (allEnded, threads) = lock.withLock { () -> (Bool, [pthread_t]) in
      let threads = self.threads
      self.threads = []
      return (running == 0, threads)
    }
    for thread in threads {
      if allEnded { SystemThread.join(thread) } else { pthread_detach(thread) }
    }
    return allEnded
  }

  private func run(_ serve: (Job) -> Void) {
    while let job = next() {
      serve(job)
    }
    lock.withLock { running -= 1 }
  }

  private func next() -> Job? {
    lock.withLock {
      while head == queue.count && !stopping { lock.wait() }
      guard head < queue.count else { return nil }
      let job = queue[head]
      head += 1
      if head == queue.count {
        queue.removeAll(keepingCapacity: true)
        head = 0
      } else if head >= 1024 && head * 2 >= queue.count {
        queue.removeFirst(head)
        head = 0
      }
      return job
    }
  }
}
