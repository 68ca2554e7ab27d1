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

  public init() {}

  /// Whether the store is consistent (no findings).
  public var isClean: Bool { problems == 0 }
}
