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
  /// (short when the socket is full), or nil when the peer is gone. With `more` (MSG_MORE)
  /// the kernel may hold the bytes back to share a packet with what follows.
  static func sendAvailable(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, more: Bool = false)
    -> Int?
  {
    var sent = 0
    while sent < bytes.count {
      let count = lake_send(fd, bytes.baseAddress! + sent, bytes.count - sent, more ? 1 : 0)
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

  /// Writes all of `bytes`, waiting for the socket within `limits` each time it is full.
  /// Returns false when the peer is gone, stalled, or reads slower than the limits' minimum
  /// rate.
  static func write(_ fd: Int32, _ bytes: [UInt8], limits: TransferLimits) -> Bool {
    var progress = TransferProgress(limits)
    var offset = 0
    return bytes.withUnsafeBytes { raw in
      while offset < raw.count {
        let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
        guard let sent = sendAvailable(fd, rest) else { return false }
        offset += sent
        guard progress.moved(sent) else { return false }
        if sent < rest.count { guard progress.wait(fd, writable: true) else { return false } }
      }
      return true
    }
  }
}
