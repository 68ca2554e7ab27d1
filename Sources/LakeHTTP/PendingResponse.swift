import Glibc

/// A response being written: what is left to send, how fast it has gone, and what to report
/// when it ends.
///
/// It is written without ever waiting for the socket: ``writeAvailable(_:)`` sends what the
/// socket takes and says when it is full. A worker that finds the socket full hands the
/// connection and this value to the event loop, which waits for writability without holding
/// a thread; bytes in memory are then sent by the loop itself, a file remainder by a worker
/// again (`sendfile` may wait for the disk). Like ``Connection``, it moves between threads
/// only through lock-protected queues.
final class PendingResponse: @unchecked Sendable {
  /// What one write attempt achieved.
  enum Step: Equatable {
    /// Everything was sent.
    case done
    /// The socket is full; try again once it is writable.
    case blocked
    /// The peer is gone, or the file ended before its announced length.
    case failed
  }

  let request: HTTPParsedRequest
  let receivedAt: ContinuousClock.Instant
  let status: Int
  /// The header fields as sent.
  let headers: HTTPHeaders
  let keepAlive: Bool
  /// Decoded request body bytes received (for the access record).
  let bodyBytesReceived: Int64
  /// Unsent bytes of the head and of an in-memory body.
  private var bytes: ArraySlice<UInt8>
  /// How many of `bytes` (from its start when created) are head, not body.
  private var headLeft: Int
  /// The unsent file range; its descriptor is owned here and closed when done or dropped.
  private(set) var file: HTTPFileRegion?
  /// Body bytes sent so far.
  private(set) var bodyBytesSent: Int64 = 0
  var progress: TransferProgress

  /// A response for `request` with head `plan`; `body` is written only when the plan says
  /// so (a file body that is not written has its descriptor closed at once).
  init(
    request: HTTPParsedRequest, receivedAt: ContinuousClock.Instant, status: Int,
    plan: HTTPResponseSerializer.Plan, body: HTTPResponseBody, keepAlive: Bool,
    bodyBytesReceived: Int64, limits: TransferLimits
  ) {
    self.request = request
    self.receivedAt = receivedAt
    self.status = status
    self.headers = plan.headers
    self.keepAlive = keepAlive
    self.bodyBytesReceived = bodyBytesReceived
    self.progress = TransferProgress(limits)
    var output = plan.bytes
    headLeft = output.count
    switch body {
    case .empty:
      break
    case .bytes(let content):
      if plan.writesBody { output.append(contentsOf: content) }
    case .file(let region):
      if plan.writesBody && region.count > 0 {
        file = region
      } else {
        region.release()
      }
    }
    bytes = output[...]
  }

  /// A response whose start the event loop already sent: `rest` is the unsent tail of head
  /// and in-memory body, `bodyCount` the body bytes in the whole response.
  init(
    request: HTTPParsedRequest, receivedAt: ContinuousClock.Instant, status: Int,
    headers: HTTPHeaders, keepAlive: Bool, rest: ArraySlice<UInt8>, bodyCount: Int64,
    limits: TransferLimits
  ) {
    self.request = request
    self.receivedAt = receivedAt
    self.status = status
    self.headers = headers
    self.keepAlive = keepAlive
    self.bodyBytesReceived = 0
    self.progress = TransferProgress(limits)
    bytes = rest
    let bodyLeft = Int(clamping: min(bodyCount, Int64(rest.count)))
    headLeft = rest.count - bodyLeft
    bodyBytesSent = bodyCount - Int64(bodyLeft)
  }

  deinit {
    file?.release()
  }

  /// Whether what is left needs a worker (`sendfile` may wait for the disk).
  var needsWorker: Bool { file != nil }

  /// Sends as much as the socket takes now, never waiting.
  func writeAvailable(_ fd: Int32) -> Step {
    if !bytes.isEmpty {
      // MSG_MORE lets the head share a packet with the first file bytes.
      let sent = bytes.withUnsafeBytes { Socket.sendAvailable(fd, $0, more: file != nil) }
      guard let sent else { return .failed }
      let fromHead = min(sent, headLeft)
      headLeft -= fromHead
      bodyBytesSent += Int64(sent - fromHead)
      bytes = bytes.dropFirst(sent)
      guard progress.moved(sent) else { return .failed }
      if !bytes.isEmpty { return .blocked }
    }
    while var region = file, region.count > 0 {
      var position = off_t(region.offset)
      // Linux sends at most 0x7ffff000 bytes per call.
      let sent = Glibc.sendfile(
        fd, region.descriptor, &position, Int(min(region.count, 0x4000_0000)))
      if sent > 0 {
        region.offset += Int64(sent)
        region.count -= Int64(sent)
        file = region
        bodyBytesSent += Int64(sent)
        guard progress.moved(sent) else { return .failed }
        continue
      }
      if sent < 0 && errno == EINTR { continue }
      if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .blocked }
      return .failed  // the file ended early, or the socket failed
    }
    if let region = file {
      region.release()
      file = nil
    }
    return .done
  }

  /// The access record for this response as far as it was sent.
  func record(remoteAddress: String) -> HTTPAccessRecord {
    HTTPAccessRecord(
      head: request.head, status: status, responseHeaders: headers, bodyBytesSent: bodyBytesSent,
      bodyBytesReceived: bodyBytesReceived, duration: ContinuousClock.now - receivedAt,
      remoteAddress: remoteAddress)
  }
}
