import Glibc

/// Writes a response on a worker thread: the head and an in-memory body in one `sendmsg`,
/// file bodies with `sendfile(2)`, waiting for writability up to the write-stall timeout.
enum ResponseWriter {
  /// Writes `plan` and, when the plan says so, `body`. Always closes a file body's
  /// descriptor. Returns the body bytes written and whether everything was written.
  static func write(
    _ plan: HTTPResponseSerializer.Plan, body: HTTPResponseBody, fd: Int32, stallTimeout: Duration
  ) -> (bodyBytesSent: Int64, complete: Bool) {
    switch body {
    case .empty:
      return (0, Socket.write(fd, plan.bytes, stallTimeout: stallTimeout))
    case .bytes(let bytes):
      guard plan.writesBody, !bytes.isEmpty else {
        return (0, Socket.write(fd, plan.bytes, stallTimeout: stallTimeout))
      }
      let written = plan.bytes.withUnsafeBytes { head in
        bytes.withUnsafeBytes { content in
          Socket.write(fd, head, content, stallTimeout: stallTimeout)
        }
      }
      return (written ? Int64(bytes.count) : 0, written)
    case .file(let region):
      defer { close(region.descriptor) }
      guard plan.writesBody, region.count > 0 else {
        return (0, Socket.write(fd, plan.bytes, stallTimeout: stallTimeout))
      }
      // MSG_MORE lets the head share a packet with the first file bytes.
      guard Socket.write(fd, plan.bytes, more: true, stallTimeout: stallTimeout) else {
        return (0, false)
      }
      let sent = Socket.sendFile(
        fd, file: region.descriptor, offset: region.offset, count: region.count,
        stallTimeout: stallTimeout)
      return (sent, sent == region.count)
    }
  }
}
