import Crypto
import Dispatch

/// A digest fed with every byte of an object, in order, besides the ETag's MD5 (the payload
/// SHA-256 of a signed upload today, checksums later). `update` may run on a hashing thread,
/// never on two threads at once.
public protocol ObjectDigest: AnyObject, Sendable {
  /// Feeds the next bytes of the object.
  func update(_ bytes: UnsafeRawBufferPointer)
}

/// Feeds an object's bytes to its digests (MD5 plus any ``ObjectDigest``), so that for large
/// objects the hashing of one stretch runs on another core while the next one arrives.
///
/// The first `inlineLimit` bytes are hashed at once, on the writer's thread (small objects
/// never pay for a hand-off). After that, bytes are copied into one of two 1 MiB staging
/// buffers; a full buffer is hashed on a dispatch queue while the other fills, and at most
/// one stretch is being hashed at a time, so the digests see the bytes in order. Memory: the
/// two buffers, only for objects larger than `inlineLimit`.
///
/// Thread rule: one writer thread calls ``feed(_:)``, ``finish()`` and ``release()``.
final class DigestPipeline {
  /// The digest states, handed back and forth between the writer thread and one hashing job;
  /// the semaphore of the job orders every access.
  private final class State: @unchecked Sendable {
    var md5 = Insecure.MD5()
    let extra: [any ObjectDigest]

    init(extra: [any ObjectDigest]) { self.extra = extra }

    func update(_ bytes: UnsafeRawBufferPointer) {
      md5.update(bufferPointer: bytes)
      for digest in extra { digest.update(bytes) }
    }
  }

  /// A staging buffer's filled part, lent to the hashing job until its semaphore signals.
  private struct Lent: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
  }

  static let stagingBytes = 1 << 20

  private let state: State
  private let inlineLimit: Int64
  private var hashedInline: Int64 = 0
  private var buffers: [UnsafeMutableRawBufferPointer] = []
  private var current = 0
  private var filled = 0
  private var running: DispatchSemaphore?

  init(extra: [any ObjectDigest], inlineLimit: Int64 = 4 << 20) {
    state = State(extra: extra)
    self.inlineLimit = inlineLimit
  }

  deinit {
    release()
  }

  /// Feeds the next bytes; the caller may reuse `bytes` when this returns.
  func feed(_ bytes: UnsafeRawBufferPointer) {
    if buffers.isEmpty && hashedInline + Int64(bytes.count) <= inlineLimit {
      state.update(bytes)
      hashedInline += Int64(bytes.count)
      return
    }
    if buffers.isEmpty {
      buffers = (0..<2).map { _ in
        .allocate(byteCount: Self.stagingBytes, alignment: 64)
      }
    }
    var rest = bytes
    while !rest.isEmpty {
      let take = min(rest.count, Self.stagingBytes - filled)
      UnsafeMutableRawBufferPointer(rebasing: buffers[current][filled..<(filled + take)])
        .copyMemory(from: UnsafeRawBufferPointer(rebasing: rest[0..<take]))
      filled += take
      rest = UnsafeRawBufferPointer(rebasing: rest[take...])
      if filled == Self.stagingBytes { submit() }
    }
  }

  /// Waits until every byte fed so far is in the digests.
  func finish() {
    if filled > 0 { submit() }
    waitForRunning()
  }

  /// The ETag's MD5 of everything fed; call after ``finish()``.
  func md5() -> [UInt8] {
    Array(state.md5.finalize())
  }

  /// Waits for a running job and frees the staging buffers. Idempotent.
  func release() {
    waitForRunning()
    for buffer in buffers { buffer.deallocate() }
    buffers = []
    filled = 0
  }

  /// Hashes the current buffer's filled part on the dispatch queue, after the previous job.
  private func submit() {
    waitForRunning()
    let lent = Lent(bytes: UnsafeRawBufferPointer(rebasing: buffers[current][0..<filled]))
    let done = DispatchSemaphore(value: 0)
    let state = self.state
    running = done
    DispatchQueue.global().async {
      state.update(lent.bytes)
      done.signal()
    }
    current = 1 - current
    filled = 0
  }

  private func waitForRunning() {
    running?.wait()
    running = nil
  }
}
