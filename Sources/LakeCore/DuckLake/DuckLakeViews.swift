import Dispatch
import Foundation
import LakeQuery
import Logging

/// Keeps, for every bucket, a live DuckLake 1.0 catalog of its Parquet datasets at
/// `<data>/.lakestore/ducklake/<bucket>.sqlite`, which DuckDB attaches read-only.
///
/// The indexer tells it which datasets each applied batch touched (``indexed(_:through:)``,
/// which only records them and returns); its own serial queue then reads those datasets
/// from the index in one read transaction, plans their tables (``DuckLakeTablePlan``) and
/// writes the difference as one snapshot per bucket (``DuckLakeCatalogFile``), so DuckDB's
/// time travel sees every step. Each file records the change sequence number it reflects;
/// at start a bucket whose file is missing, unreadable or behind its last change is brought
/// up to date from the index. A failure is logged and the bucket is redone whole on the
/// next pass (after a pause that grows to 30 s); it never stops or slows the indexer.
///
/// Thread rule: any thread may call it; the catalog files are only touched on its queue.
final class DuckLakeViews: Sendable {
  private enum Dirty: Sendable {
    case all
    /// The keys changed: their datasets are redone if they are or were Parquet files.
    case keys(Set<String>)

    func merged(with other: Dirty) -> Dirty {
      guard case .keys(let mine) = self, case .keys(let theirs) = other else { return .all }
      return .keys(mine.union(theirs))
    }
  }

  private struct State {
    var pending: [String: Dirty] = [:]
    var failing: Set<String> = []
    var scheduled = false
    var stopped = false
    var failures = 0
  }

  /// The open catalog files by bucket; touched only on `queue`.
  private final class OpenFiles: @unchecked Sendable {
    var files: [String: DuckLakeCatalogFile] = [:]
  }

  /// `<data>/.lakestore/ducklake`.
  let directory: String
  /// The data directory, absolute.
  private let dataRoot: String
  private let catalog: Catalog
  private let logger: Logger
  private let queue = DispatchQueue(label: "lakestore.ducklake", qos: .utility)
  private let state = Locked(State())
  private let open = OpenFiles()
  /// Advanced, after a pass that left no bucket failing, to the index position read.
  let progress = SequenceGate()

  /// Starts bringing every bucket's view up to date on the queue. Never fails: a directory
  /// or file that cannot be written is logged and retried.
  init(catalog: Catalog, dataDirectory: String, logger: Logger) {
    let root = URL(fileURLWithPath: dataDirectory).standardizedFileURL.resolvingSymlinksInPath()
    dataRoot = root.path
    directory = dataRoot + "/.lakestore/ducklake"
    self.catalog = catalog
    self.logger = logger
    queue.async { self.startUp() }
  }

  /// The catalog file of `bucket`.
  func path(bucket: String) -> String { directory + "/" + bucket + ".sqlite" }

  /// Records that `changes` (an applied index batch ending at `sequence`) may have changed
  /// their datasets, and wakes the queue. Returns at once.
  func indexed(_ changes: [PendingChange], through sequence: Int64) {
    var touched: [String: Set<String>] = [:]
    for change in changes { touched[change.bucket, default: []].insert(change.key) }
    state.withLock { state in
      for (bucket, keys) in touched {
        state.pending[bucket] = state.pending[bucket]?.merged(with: .keys(keys)) ?? .keys(keys)
      }
    }
    schedule()
  }

  /// Stops the queue after the pass in progress and closes every catalog file.
  func stop() {
    state.withLock { $0.stopped = true }
    queue.sync {
      for file in open.files.values { file.close() }
      open.files = [:]
    }
    progress.close()
  }

  private func schedule(after delay: Double = 0) {
    let start = state.withLock { state -> Bool in
      if state.scheduled || state.stopped { return false }
      state.scheduled = true
      return true
    }
    guard start else { return }
    queue.asyncAfter(deadline: .now() + delay) { self.run() }
  }

  /// On the queue: marks every bucket whose view is missing, unreadable or behind its last
  /// indexed change, and removes the files of buckets that no longer exist.
  private func startUp() {
    if state.withLock({ $0.stopped }) { return }
    do throws(LakeError) {
      let indexed = try catalog.indexedSequence()
      let buckets = try catalog.buckets().map(\.name)
      let names = Set(buckets)
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for entry in entries where entry.hasSuffix(".sqlite") {
        let bucket = String(entry.dropLast(".sqlite".count))
        if !names.contains(bucket) { DuckLakeCatalogFile.remove(path: path(bucket: bucket)) }
      }
      var stale: [String] = []
      for bucket in buckets {
        let last = try catalog.lastChange(bucket: bucket, upTo: indexed)
        let current = try? file(for: bucket).reflectedSequence()
        if current.map({ $0 == 0 || $0 < last }) ?? true { stale.append(bucket) }
      }
      state.withLock { state in for bucket in stale { state.pending[bucket] = .all } }
      if stale.isEmpty { progress.advance(to: indexed) }
    } catch {
      logger.error("ducklake: cannot list the buckets: \(error); retrying")
      state.withLock { _ = $0.failing.insert("") }
      queue.asyncAfter(deadline: .now() + 5) { self.startUp() }
      return
    }
    state.withLock { _ = $0.failing.remove("") }
    schedule()
  }

  /// On the queue: updates every bucket with pending work.
  private func run() {
    let work = state.withLock { state -> [String: Dirty]? in
      state.scheduled = false
      if state.stopped { return nil }
      defer { state.pending = [:] }
      return state.pending
    }
    guard let work, !work.isEmpty else { return }
    var reached = Int64.max
    for (bucket, dirty) in work.sorted(by: { $0.key < $1.key }) {
      do throws(LakeError) {
        reached = min(reached, try update(bucket, dirty))
        state.withLock { _ = $0.failing.remove(bucket) }
      } catch {
        logger.error("ducklake: the view of bucket \(bucket) failed: \(error); retrying")
        open.files.removeValue(forKey: bucket)?.close()
        state.withLock { state in
          state.failing.insert(bucket)
          state.pending[bucket] = .all
        }
      }
    }
    let (failing, delay) = state.withLock { state -> (Bool, Double) in
      state.failures = state.failing.isEmpty ? 0 : state.failures + 1
      return (!state.failing.isEmpty, Double(min(state.failures, 30)))
    }
    if !failing, reached != .max { progress.advance(to: reached) }
    schedule(after: failing ? delay : 0)
  }

  /// Brings `bucket`'s view of the `dirty` datasets up to the index; returns the index
  /// position it reflects.
  private func update(_ bucket: String, _ dirty: Dirty) throws(LakeError) -> Int64 {
    guard try catalog.bucketExists(bucket) else {
      open.files.removeValue(forKey: bucket)?.close()
      DuckLakeCatalogFile.remove(path: path(bucket: bucket))
      return try catalog.indexedSequence()
    }
    let file = try file(for: bucket)
    let fresh = try file.reflectedSequence() == 0
    var wanted: Set<String>?
    if case .keys(let keys) = dirty, !fresh {
      // Only keys that are Parquet files now, or were listed or left out before, matter.
      let parquet = try catalog.parquetKeys(bucket: bucket, among: keys)
      var datasets = Set(parquet.map { DatasetPath(key: $0).dataset })
      // The view is asked only about keys of datasets not already wanted.
      let others = keys.filter { !datasets.contains(DatasetPath(key: $0).dataset) }
      for key in try file.known(among: others) { datasets.insert(DatasetPath(key: key).dataset) }
      wanted = datasets
    }
    let source = try catalog.duckLakeSource(bucket: bucket, datasets: wanted)
    var datasets = wanted ?? Set(source.datasets.keys)
    if wanted == nil {
      datasets.formUnion(try file.datasets())
      datasets.formUnion(try file.excluded().map(\.dataset))
    }
    var plans: [DuckLakeTablePlan] = []
    for dataset in datasets.sorted() {
      plans.append(
        DuckLakeTablePlan(
          dataset: dataset, files: source.datasets[dataset] ?? [],
          current: try file.table(of: dataset)?.columns))
    }
    let result = try file.apply(plans, reflecting: source.indexed)
    if let snapshot = result.snapshot {
      logger.debug(
        "ducklake: new snapshot",
        metadata: [
          "bucket": "\(bucket)", "snapshot": "\(snapshot)",
          "changes": "\(result.changes.joined(separator: ","))",
        ])
    }
    // Each file left out is logged once, up to a few per pass; the rest are counted (a
    // bulk import of many unfit files must not flood the log: lakestore_excluded has all).
    for (dataset, exclusion) in result.newlyExcluded.prefix(Self.exclusionsLogged) {
      logger.info(
        "ducklake: a Parquet file is left out of the view",
        metadata: [
          "bucket": "\(bucket)", "dataset": "\(dataset)", "key": "\(exclusion.key)",
          "reason": "\(exclusion.reason)",
        ])
    }
    if result.newlyExcluded.count > Self.exclusionsLogged {
      logger.info(
        "ducklake: more Parquet files are left out of the view (see lakestore_excluded)",
        metadata: [
          "bucket": "\(bucket)", "files": "\(result.newlyExcluded.count - Self.exclusionsLogged)",
        ])
    }
    if result.droppedTable, wanted != nil {
      // A freed table name may now go to a dataset that was refused it.
      state.withLock { $0.pending[bucket] = .all }
    }
    return source.indexed
  }

  /// The most files left out that one pass logs one by one.
  static let exclusionsLogged = 20

  /// The open catalog file of `bucket`, opened (created or rebuilt) on first use.
  private func file(for bucket: String) throws(LakeError) -> DuckLakeCatalogFile {
    if let file = open.files[bucket] { return file }
    if !FileManager.default.fileExists(atPath: directory) {
      do {
        try FileManager.default.createDirectory(
          atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw .catalog("create \(directory): \(error)")
      }
    }
    let file = try DuckLakeCatalogFile.open(
      path: path(bucket: bucket), dataPath: dataRoot + "/" + bucket + "/", logger: logger)
    open.files[bucket] = file
    return file
  }
}
