/// The 1 MiB buffers workers receive request bodies into, shared by all workers.
///
/// Taken for one stretch of receiving and given back after it, last in first out: a body
/// that is parked on its event loop and resumed on another worker again and again (a slow
/// client, or a slow disk behind the sink) keeps reusing the same warm buffer, so resident
/// memory grows with the number of bodies received at the same moment, not with how many
/// workers ever received one (a buffer per worker once made a single 5 GiB upload over a
/// slow disk touch tens of them).
final class ReceiveBuffers: @unchecked Sendable {
  /// The size of each buffer.
  static let size = 1 << 20

  private let lock = ConditionLock()
  private var free: [UnsafeMutableRawBufferPointer] = []

  deinit {
    for buffer in free { buffer.deallocate() }
  }

  /// A buffer of ``size`` bytes: the one given back last, or a new one.
  func take() -> UnsafeMutableRawBufferPointer {
    lock.withLock { free.popLast() } ?? .allocate(byteCount: Self.size, alignment: 16)
  }

  /// Gives a buffer from ``take()`` back.
  func give(_ buffer: UnsafeMutableRawBufferPointer) {
    lock.withLock { free.append(buffer) }
  }

  /// Buffers allocated and currently given back (for tests).
  var freeCount: Int { lock.withLock { free.count } }
}
