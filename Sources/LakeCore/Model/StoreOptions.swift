/// Configuration of a `LakeStore`, fixed when the store opens.
public struct StoreOptions: Sendable {
  /// The longest key accepted, in UTF-8 bytes. Default 1024 (the S3 limit).
  public var maxKeyBytes: Int = 1024
  /// How many read-only SQLite connections serve lookups and listings side by side with the
  /// writer. Callers beyond this many wait for a free one. Default 4; at least 1 is used.
  public var readerConnections: Int = 4
  /// How many per-key lock stripes serialize writes to the same key. Default 1024.
  public var keyLockStripes: Int = 1024
  /// The most catalog writes one group commit batches into a single transaction. Default 256.
  public var maxCommitBatch: Int = 256
  /// How many recently read catalog rows are kept in memory so repeated reads of a key skip
  /// SQLite; 0 turns the cache off. Default 10,000 (a few MiB).
  public var objectCacheEntries: Int = 10_000
  /// How many of the cached objects also keep their file open, so reading them again needs
  /// no path lookup; each holds one file descriptor. A replaced or deleted object's file is
  /// closed at once. Default 1024; 0 keeps none.
  public var objectCacheDescriptors: Int = 1024

  /// While an object is written, every this many bytes the kernel is asked to start
  /// writing them to disk, so the disk works while the rest arrives and the final fsync is
  /// short. Default 8 MiB; 0 leaves everything to the fsync.
  public var writebackInterval: Int64 = 8 << 20

  /// Free space the file system must keep: a write that would leave less (by its declared
  /// size, or while it streams in) fails with `ENOSPC` before the disk is full, so the catalog
  /// always has room to commit deletes. Default 64 MiB; 0 turns the reserve off.
  public var minFreeBytes: Int64 = 64 << 20

  /// Whether the data-lake indexer runs: it follows the catalog's change log and records
  /// every object's dataset, partition values, format and statistics. Off, the index stays
  /// where it is and catches up when turned on again. Default on.
  public var indexing = true
  /// How many changes the indexer applies in one index transaction. Default 1024.
  public var indexBatch = 1024
  /// How long the indexer, woken by a commit, waits for more before it starts, in seconds:
  /// a stream of writes is indexed in batches, not one transaction each. Default 0.2.
  public var indexDelay = 0.2
  /// The indexer thread's nice value (0-19): above 0 it yields the CPU to requests when both
  /// want it, so a stream of writes is slowed less and the index lags behind instead,
  /// catching up when the load drops. Default 10.
  public var indexNice: Int32 = 10

  /// Injected failures for tests (see ``WriteFaults``); nil, the default, injects none.
  public var faults: WriteFaults?

  public init() {}
}
