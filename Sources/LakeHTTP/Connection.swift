import Glibc

/// One accepted TCP connection: its socket, its read buffer and its head parser.
///
/// Ownership moves, never shares: the event loop owns a connection while it waits for a
/// request head, a worker while it serves requests, and each hand-over goes through a
/// lock-protected queue, which orders the memory accesses. Only the owning event loop
/// closes the socket, so a descriptor number is never reused while another thread may still
/// use it (a worker closes it only when its loop has already stopped).
final class Connection: @unchecked Sendable {
  /// Where a connection is in its life; read and written by the event loop only.
  enum Phase {
    /// Waiting for (the rest of) a request head; the loop watches the socket.
    case waiting
    /// A worker serves it; the loop does not touch the socket.
    case inFlight
    /// A response is being written and the socket is full: the loop waits for it to become
    /// writable (``Connection/pending`` holds what is left), without holding a worker.
    case sending
    /// A request body is being received and the client paused: the loop waits for it to
    /// send more (``Connection/reception`` holds the request), without holding a worker.
    case receiving
    /// Output shut down, input being discarded until the peer closes (RFC 9112 §9.6).
    case lingering
  }

  /// The size of the read buffer, allocated while bytes are pending.
  static let bufferCapacity = 16 * 1024

  let id: UInt64
  let fd: Int32
  let remoteAddress: String
  unowned let loop: EventLoop
  /// Whether the connection counts against `maxConnections` (refused ones do not).
  let counted: Bool

  var phase = Phase.waiting
  /// Whether the descriptor is in the loop's epoll set (then changed with `EPOLL_CTL_MOD`).
  var registered = false
  /// The events it is registered for while `registered`.
  var armedEvents: UInt32 = 0
  /// When the loop next acts on its own: idle, header-read or linger expiry.
  var deadline: ContinuousClock.Instant
  /// When the first byte of the pending request head arrived.
  var headStartedAt: ContinuousClock.Instant?
  var parser: HTTPRequestParser
  /// The response being written while the phase is `.sending`.
  var pending: PendingResponse?
  /// The request whose body is being received while the phase is `.receiving`.
  var reception: BodyReception?

  private var storage: UnsafeMutableRawPointer?
  private var start = 0
  private var end = 0

  init(
    id: UInt64, fd: Int32, remoteAddress: String, loop: EventLoop, counted: Bool,
    parser: HTTPRequestParser, deadline: ContinuousClock.Instant
  ) {
    self.id = id
    self.fd = fd
    self.remoteAddress = remoteAddress
    self.loop = loop
    self.counted = counted
    self.parser = parser
    self.deadline = deadline
  }

  deinit {
    storage?.deallocate()
  }

  /// Bytes received but not yet consumed.
  var buffered: UnsafeRawBufferPointer {
    guard let storage else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: storage + start, count: end - start)
  }

  var hasBufferedBytes: Bool { end > start }

  /// Marks `count` buffered bytes as used.
  func consume(_ count: Int) {
    start += count
    if start == end {
      start = 0
      end = 0
    }
  }

  /// Drops unread bytes and frees the buffer (the connection is closing).
  func discardBuffer() {
    consume(end - start)
    releaseBufferIfEmpty()
  }

  /// Frees the buffer when it holds nothing, so an idle connection costs little memory.
  func releaseBufferIfEmpty() {
    if start == end, let storage {
      storage.deallocate()
      self.storage = nil
      start = 0
      end = 0
    }
  }

  /// Receives what the socket has into the buffer without blocking.
  func receive() -> ReceiveResult {
    if storage == nil {
      storage = .allocate(byteCount: Self.bufferCapacity, alignment: 16)
    }
    if end == Self.bufferCapacity && start > 0 {
      memmove(storage!, storage! + start, end - start)
      end -= start
      start = 0
    }
    let space = Self.bufferCapacity - end
    if space == 0 { return .bytes(0) }
    let result = Socket.receive(
      fd, into: UnsafeMutableRawBufferPointer(start: storage! + end, count: space))
    if case .bytes(let count) = result { end += count }
    return result
  }

  /// Feeds buffered bytes to the parser, consuming what it takes, and tracks when a partial
  /// head started (for the header-read timeout).
  func parseBuffered(now: ContinuousClock.Instant) -> HTTPRequestParser.Step {
    let step = parser.parse(buffered)
    switch step {
    case .needMore:
      consume(end - start)
      if headStartedAt == nil && parser.hasPartialHead { headStartedAt = now }
    case .complete(_, let consumed):
      consume(consumed)
      headStartedAt = nil
    case .failed:
      consume(end - start)
    }
    return step
  }
}
