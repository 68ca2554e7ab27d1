import Glibc

extension HTTPRequestBody {
  /// One read of at least one byte, or 0 at the end; errors are recorded by the caller.
  /// Returns nil instead of waiting when ``waits`` is false and no byte is available.
  func readSome(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPBodyError) -> Int? {
    switch source {
    case .memory(let bytes):
      if memoryOffset == bytes.count, let deferredFailure { throw deferredFailure }
      let count = min(buffer.count, bytes.count - memoryOffset)
      bytes.withUnsafeBytes { raw in
        buffer.copyMemory(
          from: UnsafeRawBufferPointer(rebasing: raw[memoryOffset..<memoryOffset + count]))
      }
      memoryOffset += count
      remaining -= Int64(count)
      if remaining == 0 && deferredFailure == nil { finished = true }
      return count
    case .socket(let connection, _, _):
      if case .length(let length) = framing, length > maxBodyBytes { throw .tooLarge }
      try sendContinueIfPending()
      startProgress()
      let count =
        framing == .chunked
        ? try readChunked(connection, into: buffer) : try readLength(connection, into: buffer)
      guard let count else { return nil }
      // A body that keeps arriving, but slower than the minimum rate, ends like a stalled one.
      guard progress?.moved(count) ?? true else { throw .timeout }
      return count
    }
  }

  /// `Content-Length` framing: buffered bytes first, then straight from the socket into the
  /// caller's buffer (no intermediate copy for large uploads).
  private func readLength(
    _ connection: Connection, into buffer: UnsafeMutableRawBufferPointer
  ) throws(HTTPBodyError) -> Int? {
    let wanted = Int(min(Int64(buffer.count), remaining))
    var count: Int
    if connection.hasBufferedBytes {
      let buffered = connection.buffered
      count = min(wanted, buffered.count)
      buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffered[0..<count]))
      connection.consume(count)
    } else {
      let target = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted])
      guard let received = try receive(connection.fd, into: target) else { return nil }
      count = received
    }
    remaining -= Int64(count)
    if remaining == 0 { finished = true }
    return count
  }

  /// Chunked framing: socket bytes go through the connection buffer and the decoder.
  private func readChunked(
    _ connection: Connection, into buffer: UnsafeMutableRawBufferPointer
  ) throws(HTTPBodyError) -> Int? {
    while true {
      if !connection.hasBufferedBytes {
        guard try fill(connection) else { return nil }
      }
      let (consumed, produced) = try decoder.decode(connection.buffered, into: buffer)
      connection.consume(consumed)
      if decoder.isComplete { finished = true }
      if produced > 0 || finished { return produced }
    }
  }

  /// Receives at least one byte into the connection buffer, waiting for it when ``waits``;
  /// false when it would have to wait and may not.
  private func fill(_ connection: Connection) throws(HTTPBodyError) -> Bool {
    while true {
      switch connection.receive() {
      case .bytes(let count) where count > 0: return true
      case .bytes, .endOfStream, .failed: throw .connectionClosed
      case .wouldBlock:
        guard waits else { return false }
        try waitReadable(connection.fd)
      }
    }
  }

  private func receive(
    _ fd: Int32, into target: UnsafeMutableRawBufferPointer
  ) throws(HTTPBodyError) -> Int? {
    while true {
      switch Socket.receive(fd, into: target) {
      case .bytes(let count): return count
      case .endOfStream, .failed: throw .connectionClosed
      case .wouldBlock:
        guard waits else { return nil }
        try waitReadable(fd)
      }
    }
  }

  /// Waits for body bytes within the stall timeout and the minimum rate.
  private func waitReadable(_ fd: Int32) throws(HTTPBodyError) {
    guard progress?.wait(fd, writable: false) ?? true else { throw .timeout }
  }

  /// Sends `100 Continue` now if the client waits for it (RFC 9110 §10.1.1, §15.2.1: an
  /// interim response, then the client sends the body).
  func sendContinueIfPending() throws(HTTPBodyError) {
    guard continuePending, case .socket(let connection, _, let writeLimits) = source else {
      return
    }
    continuePending = false
    let interim = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    guard Socket.write(connection.fd, interim, limits: writeLimits) else {
      throw .connectionClosed
    }
    continueSent = true
  }

  /// Without waiting: discards the rest of the body if all of it is already here (in the
  /// connection buffer or the socket). Returns whether the body is now read whole.
  func drainBuffered() -> Bool {
    let saved = waits
    waits = false
    defer { waits = saved }
    if failure != nil || continuePending { return false }
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
    defer { scratch.deallocate() }
    while !finished {
      guard let count = try? readAvailable(into: scratch), count > 0 else { return finished }
    }
    return failure == nil
  }

  /// After the handler returned: reads and discards the rest of the body if at most
  /// `limit` bytes remain, so the connection can serve its next request. Returns false when
  /// the body is larger, broken or stalled, or the client still waits for `100 Continue`;
  /// the connection must then close.
  func drain(limit: Int64) -> Bool {
    if finished { return failure == nil }
    if failure != nil || continuePending { return false }
    if case .length = framing, remaining > limit { return false }
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { scratch.deallocate() }
    var drained: Int64 = 0
    while !finished {
      guard let count = try? read(into: scratch) else { return false }
      drained += Int64(count)
      if drained > limit { return false }
    }
    return true
  }
}
