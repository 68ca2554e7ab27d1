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
/// has gathered every `flushInterval`, and at once when `batchBytes` have gathered. So the
/// threads answering requests (event loops above all) never wait for `write(2)`, which can
/// stall for milliseconds while the disk writes back, and a crash loses at most the lines of
/// the last `flushInterval`. Only when the log's file stalls so long that `maxBufferedBytes`
/// pile up does the appending thread write them itself (back-pressure, never dropped lines).
/// `stop()` writes what is left.
final class AccessLog: @unchecked Sendable {
  /// Bytes gathered before the flushing thread is woken early.
  static let batchBytes = 64 * 1024
  /// Bytes gathered before an appending thread writes them itself.
  static let maxBufferedBytes = 8 << 20

  private let fileDescriptor: Int32
  private let label: String
  private let flushInterval: Duration
  private let lock = NSLock()
  /// Held while a batch is written, so batches reach the file in the order they were taken.
  private let writeLock = NSLock()
  private var buffer: [UInt8] = []
  /// Whether the flushing thread was woken for a full batch and has not flushed yet.
  private var woken = false
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
      while true {
        _ = wake.wait(timeout: .now() + interval)
        flush()
        if !running.load(ordering: .sequentiallyConsistent) { break }
      }
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
    let milliseconds = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    // Formatted outside the lock; keys in sorted order, as LakeLogHandler writes metadata.
    var line: [UInt8] = []
    line.reserveCapacity(160 + path.utf8.count)
    LakeLogHandler.appendHead(to: &line, level: .info, label: label)
    LakeLogHandler.appendField(to: &line, "bytes_in", String(bytesIn))
    LakeLogHandler.appendField(to: &line, "bytes_out", String(bytesOut))
    LakeLogHandler.appendField(to: &line, "ms", milliseconds)
    LakeLogHandler.appendField(to: &line, "remote", remote)
    LakeLogHandler.appendField(to: &line, "request_id", requestID)
    LakeLogHandler.appendTail(
      to: &line, source: "LakeServer", message: "\(method) \(path) \(status)")
    let (wakeFlusher, writeNow) = lock.withLock { () -> (Bool, Bool) in
      buffer.append(contentsOf: line)
      let overflowing = buffer.count >= Self.maxBufferedBytes
      guard buffer.count >= Self.batchBytes, !woken || overflowing else { return (false, false) }
      woken = true
      return (true, overflowing || !running.load(ordering: .relaxed))
    }
    if writeNow {
      flush()
    } else if wakeFlusher {
      wake.signal()
    }
  }

  /// Writes what is buffered now. Batches are written one at a time, in order.
  func flush() {
    writeLock.withLock {
      let taken: [UInt8] = lock.withLock {
        woken = false
        defer { buffer.removeAll(keepingCapacity: true) }
        return buffer
      }
      if !taken.isEmpty {
        taken.withUnsafeBytes { LakeLogHandler.writeAll(fileDescriptor, $0) }
      }
    }
  }
}
