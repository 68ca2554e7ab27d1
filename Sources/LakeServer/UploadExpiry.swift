import Foundation
import LakeCore
import Logging
import Synchronization

/// Aborts multipart uploads older than `upload_expiry` in the background, as an S3 lifecycle
/// rule with `AbortIncompleteMultipartUpload` would: once at start, then every tenth of the
/// expiry age (at most hourly, at least every minute).
final class UploadExpiry: Sendable {
  private let store: LakeStore
  private let maxAge: Int64
  private let logger: Logger
  private let wake = DispatchSemaphore(value: 0)
  private let stopped = DispatchSemaphore(value: 0)
  private let running = Atomic<Bool>(false)

  init(store: LakeStore, maxAgeSeconds: Int64, logger: Logger) {
    self.store = store
    self.maxAge = maxAgeSeconds
    self.logger = logger
  }

  /// How long the sweep sleeps between runs.
  var interval: TimeInterval { TimeInterval(min(3_600, max(60, maxAge / 10))) }

  /// Starts the sweeping thread.
  func start() {
    guard !running.exchange(true, ordering: .sequentiallyConsistent) else { return }
    let thread = Thread { [self] in
      while true {
        sweep()
        if wake.wait(timeout: .now() + interval) == .success { break }
      }
      stopped.signal()
    }
    thread.name = "upload-expiry"
    thread.start()
  }

  /// Stops the thread and waits for a sweep in progress to end.
  func stop() {
    guard running.exchange(false, ordering: .sequentiallyConsistent) else { return }
    wake.signal()
    stopped.wait()
  }

  /// One pass: aborts every upload initiated more than `maxAge` seconds ago.
  func sweep() {
    let cutoff = Date().addingTimeInterval(-TimeInterval(maxAge))
    do {
      let aborted = try store.abortMultipartUploads(initiatedBefore: cutoff)
      if aborted > 0 {
        logger.info(
          "aborted expired multipart uploads",
          metadata: ["count": "\(aborted)", "upload_expiry": "\(maxAge)s"])
      }
    } catch {
      logger.warning("multipart upload expiry sweep failed: \(error)")
    }
  }
}
