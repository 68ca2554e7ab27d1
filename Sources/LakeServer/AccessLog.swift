import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The access log: one line per request, in the shape of every other log line
/// (``LakeLogHandler``), gathered in memory and written in batches.
///
/// A line is appended under a lock (a copy of ~150 bytes); a background thread writes what
/// has gathered every `flushInterval`, and the thread that fills `batchBytes` writes the batch
/// itself. So event loops make one `write(2)` per batch instead of one per request, and a
/// crash loses at most the lines of the last `flushInterval` (and never more than
/// `batchBytes`). `stop()` writes what is left.
final class AccessLog: @unchecked Sendable {
  /// Bytes gathered before the appending thread writes them itself.
  static let batchBytes = 64 * 1024

  private let fileDescriptor: Int32
  private let label: String
  private let flushInterval: Duration
  private let lock = NSLock()
  /// Held while a batch is written, so batches reach the file in the order they were taken.
  private let writeLock = NSLock()
  private var buffer: [UInt8] = []
  private let wake = DispatchSemaphore(value: 0)
  private let stopped = DispatchSemaphore(value: 0)
  private let running = Atomic<Bool>(false)

  /// A log writing to `fileDescriptor` under `label`, flushed every `flushInterval`.
  init(fileDescriptor: Int32 = 2, label: String, flushInterval: Duration) {
    self.fileDescriptor = fileDescriptor
    self.label = label
    self.flushInterval = flushInterval
    buffer.reserveCapacity(Self.batchBytes)
  }

  /// Starts the flushing thread.
  func start() {
    guard !running.exchange(true, ordering: .sequentiallyConsistent) else { return }
    let (seconds, attoseconds) = flushInterval.components
    let interval = DispatchTimeInterval.nanoseconds(
      Int(clamping: seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    let thread = Thread { [self] in
      while wake.wait(timeout: .now() + interval) == .timedOut { flush() }
      stopped.signal()
    }
    thread.name = "access-log"
    thread.start()
  }

  /// Ends the flushing thread and writes what is buffered.
  func stop() {
    if running.exchange(false, ordering: .sequentiallyConsistent) {
      wake.signal()
      stopped.wait()
    }
    flush()
  }

  /// Appends the line of one finished request.
  func record(
    method: String, path: String, status: Int, requestID: String, remote: String,
    bytesIn: Int64, bytesOut: Int64, duration: Duration
  ) {
    let micros =
      duration.components.seconds * 1_000_000
      + duration.components.attoseconds / 1_000_000_000_000
    let hundredths = (micros + 5) / 10  // milliseconds with two decimals, rounded
    let fraction = hundredths % 100
    var line = ""
    // Keys in sorted order, as LakeLogHandler writes metadata.
    LakeLogHandler.appendLine(
      to: &line, level: .info, label: label,
      metadata: [
        ("bytes_in", String(bytesIn)), ("bytes_out", String(bytesOut)),
        ("ms", "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"),
        ("remote", remote), ("request_id", requestID),
      ],
      source: "LakeServer", message: "\(method) \(path) \(status)")
    let full = lock.withLock { () -> Bool in
      buffer.append(contentsOf: line.utf8)
      return buffer.count >= Self.batchBytes
    }
    if full { flush() }
  }

  /// Writes what is buffered now. Batches are written one at a time, in order.
  func flush() {
    writeLock.withLock {
      let taken: [UInt8] = lock.withLock {
        defer { buffer.removeAll(keepingCapacity: true) }
        return buffer
      }
      if !taken.isEmpty {
        taken.withUnsafeBytes { LakeLogHandler.writeAll(fileDescriptor, $0) }
      }
    }
  }
}
