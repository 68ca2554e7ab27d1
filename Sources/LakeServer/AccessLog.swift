import Foundation
import LakeS3
import Logging
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The access log: one line per request, in the shape of every other log line
/// (``LakeLogHandler``), gathered in memory and written in batches.
///
/// Each thread appends its lines to its own shard (a buffer with its own lock, so the event
/// loops never contend), formatting them in place; a background thread writes what has
/// gathered every `flushInterval`, and at once when a shard holds `batchBytes`. So the
/// threads answering requests never wait for `write(2)`, which can stall for milliseconds
/// while the disk writes back, and a crash loses at most the lines of the last
/// `flushInterval`. Only when the log's file stalls so long that a shard holds
/// `maxShardBytes` does the appending thread write them itself (back-pressure, never dropped
/// lines). Within one flush, lines of different threads are grouped by thread. `stop()`
/// writes what is left.
final class AccessLog: @unchecked Sendable {
  /// Bytes a shard gathers before the flushing thread is woken early.
  static let batchBytes = 64 * 1024
  /// Shards; threads take one each, in turn (more threads than shards share).
  static let shardCount = 16
  /// Bytes a shard gathers before its thread writes them itself (8 MiB in all).
  static let maxShardBytes = (8 << 20) / shardCount

  /// One thread's lines, and its cached timestamp text.
  private final class Shard: @unchecked Sendable {
    let lock = NSLock()
    var buffer: [UInt8] = []
    var second = -1
    var stamp: [UInt8] = []
  }

  private let fileDescriptor: Int32
  private let label: String
  private let flushInterval: Duration
  private let shards = (0..<AccessLog.shardCount).map { _ in Shard() }
  /// Held while a batch is written, so batches reach the file in the order they were taken.
  private let writeLock = NSLock()
  /// Whether the flushing thread was woken for a full shard and has not flushed yet.
  private let woken = Atomic<Bool>(false)
  private let wake = DispatchSemaphore(value: 0)
  private let stopped = DispatchSemaphore(value: 0)
  private let running = Atomic<Bool>(false)

  /// A log writing to `fileDescriptor` under `label`, flushed every `flushInterval`.
  init(fileDescriptor: Int32 = 2, label: String, flushInterval: Duration) {
    self.fileDescriptor = fileDescriptor
    self.label = label
    self.flushInterval = flushInterval
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
    let shard = shards[ThreadIndex.current % Self.shardCount]
    let now = time(nil)
    let size = shard.lock.withLock { () -> Int in
      if now != shard.second {
        shard.second = now
        shard.stamp = Array(LakeLogHandler.timestamp(now).utf8)
      }
      // Keys in sorted order, as LakeLogHandler writes metadata.
      LakeLogHandler.appendHead(
        to: &shard.buffer, timestamp: shard.stamp, level: .info, label: label)
      LakeLogHandler.appendField(to: &shard.buffer, "bytes_in", String(bytesIn))
      LakeLogHandler.appendField(to: &shard.buffer, "bytes_out", String(bytesOut))
      LakeLogHandler.appendField(to: &shard.buffer, "ms", milliseconds)
      LakeLogHandler.appendField(to: &shard.buffer, "remote", remote)
      LakeLogHandler.appendField(to: &shard.buffer, "request_id", requestID)
      LakeLogHandler.appendTail(
        to: &shard.buffer, source: "LakeServer", message: "\(method) \(path) \(status)")
      return shard.buffer.count
    }
    if size >= Self.maxShardBytes || (size >= Self.batchBytes && !running.load(ordering: .relaxed))
    {
      flush()
    } else if size >= Self.batchBytes && !woken.exchange(true, ordering: .relaxed) {
      wake.signal()
    }
  }

  /// Writes what is buffered now, every shard's lines in one batch. Batches are written one
  /// at a time, in order.
  func flush() {
    writeLock.withLock {
      woken.store(false, ordering: .relaxed)
      var batch: [UInt8] = []
      for shard in shards {
        shard.lock.withLock {
          if batch.isEmpty {
            swap(&batch, &shard.buffer)
          } else {
            batch.append(contentsOf: shard.buffer)
            shard.buffer.removeAll(keepingCapacity: true)
          }
        }
      }
      if !batch.isEmpty {
        batch.withUnsafeBytes { LakeLogHandler.writeAll(fileDescriptor, $0) }
      }
    }
  }
}
