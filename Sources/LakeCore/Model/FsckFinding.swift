/// A problem `LakeStore.fsck` found between the catalog and the files on disk.
public enum FsckProblem: Sendable, Hashable {
  /// A catalog row whose storage path holds no regular file.
  case missingFile(bucket: String, key: String, storagePath: String)
  /// A catalog row whose file has a different length than the row records.
  case sizeMismatch(
    bucket: String, key: String, storagePath: String, expected: Int64, actual: Int64)
  /// A regular file inside a bucket directory or the overflow area that no row points at.
  case orphanFile(path: String)
  /// A symlink, FIFO, socket or device inside a bucket directory or the overflow area, or a
  /// name that is not valid UTF-8 (reported, never repaired).
  case unexpectedEntry(path: String)
  /// A top-level entry of the data directory that is neither a bucket nor `.lakestore`.
  /// Reported only; fsck never touches it.
  case unknownTopLevelEntry(name: String)
  /// A regular file inside a bucket directory that no row names and that `adopt` could not
  /// register as an object, for `reason` (its name is not a key the store would place there,
  /// the key already has an object elsewhere, it cannot be read...). Repair moves it to
  /// `lost+found` like an orphan.
  case unadoptableFile(path: String, reason: String)
  /// The index's record of an object (status, row count, columns and their statistics)
  /// differs from what examining its file gives now; `detail` says what differs. Repair
  /// writes the fresh examination in its place.
  case statisticsMismatch(bucket: String, key: String, detail: String)
}

/// What `fsck` did about a problem.
public enum FsckRepair: Sendable, Hashable {
  /// Nothing: `repair` was false, or the problem is report-only.
  case none
  /// The catalog row was deleted (a change with op `delete` is recorded).
  case deletedRow
  /// The entry was moved to this path, relative to the data directory
  /// (`.lakestore/lost+found/<original relative path>`, suffixed `.1`, `.2`… on collision).
  case movedTo(String)
  /// The orphan file was registered in place as the object `key` of `bucket` (a `put`
  /// change is recorded; the indexer reads it like any PUT).
  case adopted(bucket: String, key: String, etag: String)
  /// The index record was replaced by the fresh examination.
  case reindexed
}

/// What `LakeStore.fsck` checks and fixes besides comparing rows with files.
public struct FsckOptions: Sendable, Equatable {
  /// Fix what is found: remove rows without a valid file, move orphan files and unexpected
  /// entries to `lost+found`, rewrite index records that differ from their files.
  public var repair = false
  /// Register orphan files inside bucket directories as objects (in place) instead of
  /// reporting them; those that cannot be are reported as `unadoptableFile` (and moved to
  /// `lost+found` when repairing). Orphans of the overflow area have no key to register.
  public var adopt = false
  /// Examine every indexed object's file again and compare with its index record.
  public var statistics = false

  public init(repair: Bool = false, adopt: Bool = false, statistics: Bool = false) {
    self.repair = repair
    self.adopt = adopt
    self.statistics = statistics
  }
}

/// One finding reported by `LakeStore.fsck` as it goes.
public struct FsckFinding: Sendable, Hashable {
  public var problem: FsckProblem
  public var repair: FsckRepair

  public init(problem: FsckProblem, repair: FsckRepair) {
    self.problem = problem
    self.repair = repair
  }
}

/// Totals of one `LakeStore.fsck` run.
public struct FsckSummary: Sendable, Equatable {
  /// Catalog rows whose files were checked.
  public var objectsChecked: Int = 0
  /// Files (and other entries) seen while walking bucket directories and the overflow area.
  public var filesChecked: Int = 0
  /// Findings reported.
  public var problems: Int = 0
  /// Findings whose repair succeeded.
  public var repaired: Int = 0
  /// Write intents left in the catalog (in-flight writes; recovery settles them at startup).
  public var pendingIntents: Int = 0
  /// Orphan files registered as objects (`FsckOptions.adopt`); also counted in `repaired`.
  public var adopted: Int = 0
  /// Index records compared with a fresh examination of their files
  /// (`FsckOptions.statistics`).
  public var statisticsChecked: Int = 0
  /// Objects whose current version the indexer had not recorded yet, so they were not
  /// compared (`FsckOptions.statistics`).
  public var statisticsPending: Int = 0

  public init() {}

  /// Whether the store is consistent (no findings).
  public var isClean: Bool { problems == 0 }
}
