/// A request body the server receives for a handler's ``HTTPBodyPlan/stream(_:)`` or
/// ``HTTPBodyPlan/buffer(limit:)`` plan: the body's framing and pace, where its bytes go, and
/// why it ended early, if it did.
///
/// A worker moves bytes while they flow; when the client pauses, the request is parked on
/// its event loop (phase `.receiving`), which waits for readability, or for the stall or
/// minimum-rate deadline, without holding a thread, then gives it to a worker again. Moves
/// between threads only through the server's locked queues.
final class BodyReception: @unchecked Sendable {
  /// Where the bytes go.
  enum Target {
    case sink(any HTTPBodySink)
    /// Into ``BodyReception/buffered``, at most `limit` bytes.
    case buffer(limit: Int)
  }

  let request: HTTPParsedRequest
  let receivedAt: ContinuousClock.Instant
  let context: HTTPRequestContext
  let body: HTTPRequestBody
  let target: Target
  /// The bytes of a `.buffer` plan so far.
  var buffered: [UInt8] = []
  /// Why receiving ended before the body did (set by a worker, or by the loop on a deadline
  /// or at shutdown).
  var failure: HTTPBodyError?
  /// The sink refused more bytes.
  var stoppedBySink = false

  init(
    request: HTTPParsedRequest, receivedAt: ContinuousClock.Instant,
    context: HTTPRequestContext, body: HTTPRequestBody, target: Target
  ) {
    self.request = request
    self.receivedAt = receivedAt
    self.context = context
    self.body = body
    self.target = target
    body.waits = false
  }

  /// Whether nothing more is to be received.
  var isOver: Bool { failure != nil || stoppedBySink || body.finished }

  /// Hands `bytes` to the target; records a sink's refusal or a buffer overflow.
  func deliver(_ bytes: UnsafeRawBufferPointer) {
    switch target {
    case .sink(let sink):
      if !sink.consume(bytes) { stoppedBySink = true }
    case .buffer(let limit):
      if buffered.count + bytes.count > limit {
        failure = .tooLarge
      } else {
        buffered.append(contentsOf: bytes)
      }
    }
  }
}
