import CLakeSystem
import Glibc

/// What a non-blocking receive produced.
enum ReceiveResult: Equatable {
  /// Bytes arrived (0 only when the destination had no room).
  case bytes(Int)
  /// Nothing to read now (EAGAIN).
  case wouldBlock
  /// The peer closed its side.
  case endOfStream
  /// The socket failed, e.g. ECONNRESET.
  case failed(Int32)
}

/// Thin system-call helpers over a socket descriptor. Every call retries EINTR and turns
/// EAGAIN into a value (the SwiftNIO convention), never an error.
enum Socket {
  /// `recv` without blocking.
  static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> ReceiveResult {
    guard buffer.count > 0 else { return .bytes(0) }
    while true {
      let count = lake_recv(fd, buffer.baseAddress, buffer.count)
      if count > 0 { return .bytes(count) }
      if count == 0 { return .endOfStream }
      switch errno {
      case EINTR: continue
      case EAGAIN, EWOULDBLOCK: return .wouldBlock
      default: return .failed(errno)
      }
    }
  }

  /// Sends as much of `bytes` as the socket takes without blocking; returns the count sent
  /// (short when the socket is full), or nil when the peer is gone.
  static func sendAvailable(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int? {
    var sent = 0
    while sent < bytes.count {
      let count = lake_send(fd, bytes.baseAddress! + sent, bytes.count - sent, 0)
      if count > 0 {
        sent += count
      } else if count < 0 && errno == EINTR {
        continue
      } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
        break
      } else {
        return nil
      }
    }
    return sent
  }

  /// Waits until `fd` is readable (or writable) or `timeout` passes; false on timeout.
  /// Errors and hang-ups count as ready: the next call on the socket reports them.
  static func wait(_ fd: Int32, writable: Bool, timeout: Duration) -> Bool {
    let events = writable ? LAKE_POLLOUT : LAKE_POLLIN
    let deadline = ContinuousClock.now + timeout
    while true {
      let left = deadline - .now
      if left <= .zero { return false }
      let rc = lake_poll_one(fd, events, left.pollMilliseconds)
      if rc > 0 { return true }
      if rc < 0 && errno != EINTR { return true }
    }
  }

  /// Writes all of `first` then `second` (either may be empty) with `sendmsg`, waiting for
  /// the socket within `limits` each time it is full. With `more`, the last segment is sent
  /// with MSG_MORE so a following `sendfile` shares its packets. Returns false when the
  /// peer is gone, stalled, or reads slower than the limits' minimum rate.
  static func write(
    _ fd: Int32, _ first: UnsafeRawBufferPointer,
    _ second: UnsafeRawBufferPointer = .init(
      start: nil, count: 0), more: Bool = false, limits: TransferLimits
  ) -> Bool {
    var a = first
    var b = second
    var progress = TransferProgress(limits)
    while a.count + b.count > 0 {
      let sent: Int
      if b.count == 0 {
        sent = lake_send(fd, a.baseAddress, a.count, more ? 1 : 0)
      } else if a.count == 0 {
        sent = lake_send(fd, b.baseAddress, b.count, more ? 1 : 0)
      } else {
        sent = lake_send2(fd, a.baseAddress, a.count, b.baseAddress, b.count)
      }
      if sent < 0 {
        if errno == EINTR { continue }
        guard errno == EAGAIN || errno == EWOULDBLOCK else { return false }
        guard progress.wait(fd, writable: true) else { return false }
        continue
      }
      let fromA = min(sent, a.count)
      a = UnsafeRawBufferPointer(rebasing: a[fromA...])
      b = UnsafeRawBufferPointer(rebasing: b[(sent - fromA)...])
      guard progress.moved(sent) else { return false }
    }
    return true
  }

  /// Writes `bytes` fully; see ``write(_:_:_:more:limits:)``.
  static func write(_ fd: Int32, _ bytes: [UInt8], more: Bool = false, limits: TransferLimits)
    -> Bool
  {
    bytes.withUnsafeBytes { write(fd, $0, more: more, limits: limits) }
  }

  /// Sends `count` bytes of `file` from `offset` with `sendfile(2)`, never copying through
  /// user space. Returns the bytes sent; fewer than `count` means the peer is gone, the
  /// socket stalled or drained slower than `limits` allow, or the file is shorter than
  /// promised.
  static func sendFile(
    _ fd: Int32, file: Int32, offset: Int64, count: Int64, limits: TransferLimits
  ) -> Int64 {
    var position = off_t(offset)
    var left = count
    var progress = TransferProgress(limits)
    while left > 0 {
      // Linux sends at most 0x7ffff000 bytes per call.
      let chunk = Int(min(left, 0x4000_0000))
      let sent = Glibc.sendfile(fd, file, &position, chunk)
      if sent > 0 {
        left -= Int64(sent)
        guard progress.moved(sent) else { break }
        continue
      }
      if sent == 0 { break }  // the file ended early
      if errno == EINTR { continue }
      guard errno == EAGAIN || errno == EWOULDBLOCK else { break }
      guard progress.wait(fd, writable: true) else { break }
    }
    return count - left
  }
}
