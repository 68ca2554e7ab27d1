import CLakeSystem
import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The data-lake indexer: one thread that follows the catalog's change log and records, for
/// every object version committed, what ``FileExaminer`` reads from its file.
///
/// It never polls or walks the tree: it wakes when the catalog commits (``SequenceGate``),
/// applies every change after its position in batches (`lake_state.indexed_seq`, moved in the
/// same transaction as the records), and sleeps when none is left. After a restart it carries
/// on from the stored position, so it catches up with whatever was committed meanwhile.
/// Failures never stop it: an unreadable or malformed file is recorded as `unparsed`, and a
/// failing catalog write is retried after a pause.
final class LakeIndexer: Sendable {
  /// Holds the store without keeping it alive: dropping the store stops the indexer.
  private final class StoreReference: @unchecked Sendable {
    weak var store: LakeStore?
  }

  /// Advanced to each applied batch's last sequence number.
  let progress: SequenceGate
  private let stopping = SequenceGate()
  private let finished = DispatchSemaphore(value: 0)
  private let threadID = Locked<pthread_t?>(nil)

  /// How long the indexer lets commits gather after waking.
  private let delay: Double

  /// Starts the thread for `store`, whose index is complete up to `indexed`.
  init(store: LakeStore, indexed: Int64) {
    progress = SequenceGate(indexed)
    delay = store.options.indexDelay
    let reference = StoreReference()
    reference.store = store
    let commits = store.catalog.commits
    let nice = store.options.indexNice
    let thread = Thread { [self] in
      threadID.withLock { $0 = pthread_self() }
      if nice > 0 { _ = lake_set_thread_nice(nice) }
      run(reference, commits: commits)
      finished.signal()
    }
    thread.name = "lakestore.indexer"
    thread.start()
  }

  /// Stops the thread and, unless called from the indexer's own thread (a store released
  /// there), waits for its batch in progress to end.
  func stop(commits: SequenceGate) {
    stopping.bump()
    commits.bump()  // wakes the thread if it waits for a commit
    let own = threadID.withLock { id in id.map { pthread_equal($0, pthread_self()) != 0 } }
    if own != true { finished.wait() }
  }

  private func run(_ reference: StoreReference, commits: SequenceGate) {
    var failures = 0
    while true {
      let seen = commits.current
      let applied: Int
      let full: Int
      do {
        guard let store = reference.store, !store.isClosedNow, stopping.current == 0 else {
          return
        }
        full = max(1, store.options.indexBatch)
        applied = try store.indexNextBatch()
        failures = 0
      } catch {
        if stopping.current != 0 || reference.store?.isClosedNow != false { return }
        failures += 1
        reference.store?.logger.error(
          "indexer: \(error); retrying", metadata: ["failures": "\(failures)"])
        _ = stopping.wait(above: 0, timeout: min(Double(failures), 30))
        continue
      }
      // A full batch means more are waiting: the next one follows at once. Otherwise the
      // commits that follow gather for `delay` first (after waiting for the next commit
      // when none was left), so that under a stream of writes every index transaction
      // carries `delay`'s worth of changes, instead of the few that arrived while the last
      // batch was applied: each transaction rewrites the pages it touches, so its cost
      // hardly grows with its size.
      if applied >= full { continue }
      if applied == 0 { waitForCommit(after: seen, commits: commits) }
      _ = stopping.wait(above: 0, timeout: delay)
    }
  }

  private func waitForCommit(after seen: Int64, commits: SequenceGate) {
    // `stop` bumps the commit gate too, so this wakes for a stop as well as for a commit.
    _ = commits.wait(above: seen, timeout: 60)
  }
}
