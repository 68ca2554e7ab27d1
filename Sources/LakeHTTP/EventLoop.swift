import CLakeSystem
import Glibc

/// One event-loop thread: its own epoll instance and `SO_REUSEPORT` listening socket.
///
/// It owns every connection that waits for a request head: it accepts, reads and parses
/// heads without blocking (level-triggered epoll registrations, removed while a worker has
/// the connection, so nothing spins while idle),
/// enforces the idle and header-read timeouts, and hands a connection with a complete head
/// to the worker pool. Workers hand connections back through ``post(_:)``, which wakes the
/// loop with an eventfd. All other state is touched by the loop thread only.
final class EventLoop: @unchecked Sendable {
  /// A request from another thread.
  enum Message {
    /// A worker is done with a connection.
    case returned(Connection, HandBack)
    /// A worker found the socket full mid-response: wait until it has room.
    case sending(Connection, PendingResponse)
    /// A worker found no body bytes to receive: wait until the client sends more.
    case receiving(Connection, BodyReception)
    /// Go on parsing the buffered requests of a connection (posted by the loop to itself).
    case resume(Connection)
    /// Stop accepting and close idle connections.
    case beginShutdown
    /// Shut down the sockets of in-flight connections so blocked reads and writes fail.
    case forceClose
    /// Close what is left and end the thread.
    case stop
  }

  /// What the loop does with a connection a worker returns.
  enum HandBack: Equatable {
    /// Wait for the next request.
    case keepAlive
    /// Close gracefully: shut down output, discard input until the peer closes.
    case linger
    /// Close at once (the peer is gone or the response could not be written).
    case close
  }

  /// How long a closing connection keeps discarding input so the client reads the response
  /// before any reset (RFC 9112 §9.6).
  static let lingerTimeout = Duration.seconds(2)
  /// The linger time while the server shuts down, which waits for lingering connections.
  static let shutdownLingerTimeout = Duration.milliseconds(100)
  /// How long accepting pauses when the process is out of descriptors.
  static let acceptPause = Duration.milliseconds(100)
  /// How many pipelined requests of one connection the loop answers before it serves others.
  static let answersPerTurn = 16
  /// Deadline checks run at most this often.
  static let timerGranularity = Duration.milliseconds(10)

  static let listenTag: UInt64 = 0
  static let wakeTag: UInt64 = 1

  let index: Int
  let core: ServerCore
  let epoll: Int32
  let wakeFD: Int32
  var listenFD: Int32

  /// Guards `messages` and `stopped`, the only state other threads touch. A pthread mutex
  /// rather than `Synchronization.Mutex`, so ThreadSanitizer can follow the hand-overs.
  private let inboxLock = ConditionLock()
  private var messages: [Message] = []
  private var stopped = false
  var connections: [UInt64: Connection] = [:]
  var nextCheck: ContinuousClock.Instant?
  var acceptPausedUntil: ContinuousClock.Instant?
  var shuttingDown = false
  var running = true
  /// Refused connections still lingering (they do not count against `maxConnections`).
  var refusedCount = 0
  var dateCache = HTTPDate.Cache()
  let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

  /// Creates a loop around an already listening socket, which it owns from then on (also
  /// when this throws, in which case the socket is closed).
  static func make(index: Int, core: ServerCore, listenFD: Int32) throws(HTTPServerError)
    -> EventLoop
  {
    let epoll = lake_epoll_create()
    let wakeFD = lake_eventfd_create()
    guard epoll >= 0, wakeFD >= 0,
      lake_epoll_ctl(epoll, LAKE_EPOLL_CTL_ADD, listenFD, LAKE_EPOLLIN, Self.listenTag) == 0,
      lake_epoll_ctl(epoll, LAKE_EPOLL_CTL_ADD, wakeFD, LAKE_EPOLLIN, Self.wakeTag) == 0
    else {
      let error = HTTPServerError(message: "cannot set up epoll for an event loop", errno: errno)
      for fd in [epoll, wakeFD, listenFD] where fd >= 0 { close(fd) }
      throw error
    }
    return EventLoop(index: index, core: core, epoll: epoll, wakeFD: wakeFD, listenFD: listenFD)
  }

  private init(index: Int, core: ServerCore, epoll: Int32, wakeFD: Int32, listenFD: Int32) {
    self.index = index
    self.core = core
    self.epoll = epoll
    self.wakeFD = wakeFD
    self.listenFD = listenFD
  }

  deinit {
    if listenFD >= 0 { close(listenFD) }
    close(epoll)
    close(wakeFD)
    scratch.deallocate()
  }

  /// Queues `message` for the loop thread and wakes it. Returns false when the loop has
  /// stopped; the caller then still owns any connection in the message.
  @discardableResult
  func post(_ message: Message) -> Bool {
    let (accepted, wake) = inboxLock.withLock { () -> (Bool, Bool) in
      if stopped { return (false, false) }
      messages.append(message)
      return (true, messages.count == 1)
    }
    if wake { lake_eventfd_signal(wakeFD) }
    return accepted
  }

  /// The loop thread's body; returns after a ``Message/stop``.
  func run() {
    let events = UnsafeMutableBufferPointer<lake_epoll_event>.allocate(capacity: 256)
    defer { events.deallocate() }
    while running {
      let count = lake_epoll_wait(epoll, events.baseAddress, 256, waitMilliseconds())
      if count < 0 {
        if errno == EINTR { continue }
        // Only EBADF, EFAULT or EINVAL, none of which can happen here; stop rather than spin.
        core.logger.info("epoll_wait failed, event loop stopped", metadata: ["errno": "\(errno)"])
        break
      }
      for event in events[0..<Int(count)] {
        switch event.data {
        case Self.listenTag: acceptConnections()
        case Self.wakeTag: handleMessages()
        default:
          if let connection = connections[event.data] { handleReadable(connection) }
        }
      }
      checkDeadlines()
    }
    finish()
  }

  /// Takes the queued messages; the eventfd is reset first, so a message posted meanwhile
  /// wakes the loop again.
  private func handleMessages() {
    lake_eventfd_drain(wakeFD)
    let taken = inboxLock.withLock {
      let taken = messages
      messages.removeAll(keepingCapacity: true)
      return taken
    }
    for message in taken {
      switch message {
      case .returned(let connection, let handBack): takeBack(connection, handBack)
      case .sending(let connection, let pending): suspendSending(connection, pending)
      case .receiving(let connection, let reception): suspendReceiving(connection, reception)
      case .resume(let connection)
      where connection.phase == .waiting && connections[connection.id] === connection:
        readHead(connection, parseFirst: true)
      case .resume: break
      case .beginShutdown: beginShutdown()
      case .forceClose: forceClose()
      case .stop: running = false
      }
    }
  }

  /// Ends the thread: refuses further messages, closes every connection not with a worker.
  private func finish() {
    let leftover = inboxLock.withLock {
      stopped = true
      let taken = messages
      messages = []
      return taken
    }
    for message in leftover {
      switch message {
      case .returned(let connection, _), .sending(let connection, _),
        .receiving(let connection, _):
        core.inFlight.subtract(1, ordering: .relaxed)
        closeConnection(connection)
      default: break
      }
    }
    for connection in Array(connections.values) {
      switch connection.phase {
      case .inFlight: break
      case .sending: failSending(connection)
      case .receiving:
        connection.reception = nil
        core.inFlight.subtract(1, ordering: .relaxed)
        closeConnection(connection)
      case .waiting, .lingering: closeConnection(connection)
      }
    }
    // In-flight connections stay open; their worker closes them (see RequestRunner).
    connections.removeAll()
    if listenFD >= 0 {
      close(listenFD)
      listenFD = -1
    }
  }
}
