import Glibc

/// Writes a response on a worker thread: the head and an in-memory body in one `sendmsg`,
/// file bodies with `sendfile(2)`, waiting for writability within the write limits (stall
/// timeout and minimum rate).
enum ResponseWriter {
  /// Writes `plan` and, when the plan says so, `body`. Always closes a file body's
  /// descriptor. Returns the body bytes written and whether everything was written.
  static func write(
    _ plan: HTTPResponseSerializer.Plan, body: HTTPResponseBody, fd: Int32, limits: TransferLimits
  ) -> (bodyBytesSent: Int64, complete: Bool) {
    switch body {
    case .empty:
      return (0, Socket.write(fd, plan.bytes, limits: limits))
    case .bytes(let bytes):
      guard plan.writesBody, !bytes.isEmpty else {
        return (0, Socket.write(fd, plan.bytes, limits: limits))
      }
      let written = plan.bytes.withUnsafeBytes { head in
        bytes.withUnsafeBytes { content in
          Socket.write(fd, head, content, limits: limits)
        }
      }
      return (written ? Int64(bytes.count) : 0, written)
    case .file(let region):
      defer { close(region.descriptor) }
      guard plan.writesBody, region.count > 0 else {
        return (0, Socket.write(fd, plan.bytes, limits: limits))
      }
      // MSG_MORE lets the head share a packet with the first file bytes.
      guard Socket.write(fd, plan.bytes, more: true, limits: limits) else {
        return (0, false)
      }
      let sent = Socket.sendFile(
        fd, file: region.descriptor, offset: region.offset, count: region.count,
        limits: limits)
      return (sent, sent == region.count)
    }
  }
}
