import Dispatch
import Foundation
import Logging
import Synchronization

/// An S3-style object store on a local directory: buckets are directories, objects are plain
/// files at `<data>/<bucket>/<key>` (or in an overflow area when the key is not a safe path),
/// and a SQLite catalog records every object, answers every listing, and makes writes atomic
/// and crash-safe.
///
/// Thread rule: every method is synchronous, may block on disk I/O and SQLite, and may be
/// called from many threads at once. Do not call it from the Swift concurrency cooperative
/// pool. One store owns its data directory (an `flock` keeps other stores out).
public final class LakeStore: Sendable {
  let options: StoreOptions
  let logger: Logger
  let layout: DataLayout
  let catalog: Catalog
  let keyLocks: KeyLockTable
  /// Shares directory fsyncs between concurrent writes into one directory.
  let directorySync = DirectorySync()
  let objectCache: ObjectInfoCache
  let pruneLock = PruneLock()
  /// Removes the part files of completed and aborted uploads after the request was answered
  /// (unlinking a large file takes tens of milliseconds; recovery sweeps what is left).
  let cleanup = DispatchQueue(label: "lakestore.upload-cleanup", qos: .utility)
  private let isClosed = Atomic<Bool>(false)
  private let indexerSlot = Locked<LakeIndexer?>(nil)
  private let duckLakeSlot = Locked<DuckLakeViews?>(nil)

  /// The data-lake indexer, nil when `options.indexing` is off.
  var indexer: LakeIndexer? { indexerSlot.withLock { $0 } }
  /// The buckets' DuckLake views, kept by the indexer; nil when `options.indexing` is off.
  var duckLake: DuckLakeViews? { duckLakeSlot.withLock { $0 } }

  /// Opens the store at `dataDirectory`: creates the directory layout if needed, takes the
  /// directory lock, opens and migrates the catalog, recovers writes a crash interrupted
  /// (from the catalog's intents, without walking the data tree), and starts the data-lake
  /// indexer unless `options.indexing` is off.
  ///
  /// Throws `.io` when the directory cannot be created or is in use by another store, and
  /// `.catalog` when the catalog cannot be opened or migrated.
  public convenience init(
    dataDirectory: String, options: StoreOptions = StoreOptions(), logger: Logger
  ) throws(LakeError) {
    try self.init(layout: try DataLayout(rootPath: dataDirectory), options: options, logger: logger)
  }

  /// Opens the store on a layout whose directory lock is already held (see
  /// ``init(dataDirectory:options:logger:)``).
  init(layout: DataLayout, options: StoreOptions, logger: Logger) throws(LakeError) {
    let dataDirectory = layout.rootPath
    self.options = options
    self.logger = logger
    self.layout = layout
    catalog = try Catalog(
      path: layout.catalogPath, indexPath: layout.indexPath, options: options, logger: logger)
    keyLocks = KeyLockTable(count: options.keyLockStripes)
    objectCache = ObjectInfoCache(
      capacity: options.objectCacheEntries, descriptorLimit: options.objectCacheDescriptors)
    if !layout.namesAreExact {
      logger.info("the filesystem folds case or normalizes names; storing every key in overflow")
    }
    try recover()
    try catalog.checkIndexPosition(logger: logger)
    if options.indexing {
      let views = DuckLakeViews(catalog: catalog, dataDirectory: dataDirectory, logger: logger)
      duckLakeSlot.withLock { $0 = views }
      let indexed = try catalog.indexedSequence()
      indexerSlot.withLock { $0 = LakeIndexer(store: self, indexed: indexed) }
    }
  }

  deinit {
    // No cleanup job is pending (each holds the store), and this may run on the cleanup
    // queue itself, so do not wait for it.
    close(waitingForCleanup: false)
  }

  /// Waits for queued removals of completed or aborted uploads' part files, checkpoints the
  /// WAL, closes the catalog connections and releases the directory lock. Idempotent. Waits for in-flight catalog reads; calls made afterwards throw
  /// `.catalog("store is closed")`. Open `ObjectWriter`s may still be aborted.
  public func close() {
    close(waitingForCleanup: true)
  }

  private func close(waitingForCleanup: Bool) {
    guard !isClosed.exchange(true, ordering: .sequentiallyConsistent) else { return }
    if waitingForCleanup { waitForCleanup() }
    indexer?.stop(commits: catalog.commits)
    duckLake?.stop()
    catalog.close()
    layout.releaseLock()
  }

  /// What the catalog has done since the store opened (for tests and metrics).
  public func catalogStatistics() -> CatalogStatistics {
    catalog.counters.snapshot
  }

  func checkOpen() throws(LakeError) {
    if isClosedNow { throw .catalog("store is closed") }
  }

  var isClosedNow: Bool { isClosed.load(ordering: .relaxed) }

  /// Runs `body`, which renames or unlinks the files of `key` and commits the catalog, as a
  /// change of its lock `stripe` (see ``KeyLockTable``), then drops the key's cache entry so
  /// a replaced file is closed at once. Call only while holding the stripe's lock.
  func changeKey<T>(
    _ bucket: String, _ key: String, on stripe: KeyLockTable.Stripe,
    _ body: () throws(LakeError) -> T
  ) throws(LakeError) -> T {
    defer { objectCache.remove(bucket: bucket, key: key) }
    return try stripe.change(body)
  }

  /// Throws `.invalidKey` for an empty key or one longer than `options.maxKeyBytes`.
  func validateKey(_ key: String) throws(LakeError) {
    if key.isEmpty { throw .invalidKey("the key is empty") }
    let length = key.utf8.count
    if length > options.maxKeyBytes {
      throw .invalidKey("the key is \(length) bytes long; the limit is \(options.maxKeyBytes)")
    }
  }

  /// Throws `.noSuchBucket` unless the bucket exists.
  func requireBucket(_ bucket: String) throws(LakeError) {
    guard try catalog.bucketExists(bucket) else { throw .noSuchBucket(bucket) }
  }
}
