import Logging

/// The SQLite manifest catalog: buckets, object rows, write intents and the change log.
///
/// One writer connection (group-committing, see `SQLiteWriteQueue`) and a pool of read-only
/// connections, all in WAL mode so reads run beside the writer. A write is durable when
/// `write` returns (the WAL fsynced after the commit) unless it asked not to wait.
///
/// Thread rule: every method may be called from any thread at once.
final class Catalog: Sendable {
  let counters = CatalogCounters()
  private let writer: SQLiteWriteQueue
  private let readers: SQLiteReaderPool
  /// The index database's one writer (the indexer), which also sees the catalog (attached as
  /// `catalog`); readers see the index attached as `lake`, so queries join both by name.
  private let indexWriter: Locked<SQLiteConnection?>
  private let indexPath: String

  /// Opens (creating if needed) the catalog at `path` and migrates it to the latest schema.
  /// Throws `.catalog` if SQLite fails or the schema is newer than this build knows.
  init(path: String, indexPath: String, options: StoreOptions, logger: Logger) throws(LakeError) {
    let connection = try SQLiteConnection(path: path, readOnly: false, counters: counters)
    let mode = try connection.run("PRAGMA journal_mode=WAL") { (statement) throws(LakeError) in
      try statement.step() ? statement.text(0) : ""
    }
    guard mode.lowercased() == "wal" else {
      throw .catalog("the catalog's filesystem does not support WAL (journal_mode=\(mode))")
    }
    try connection.execute(
      """
      PRAGMA synchronous=NORMAL;
      PRAGMA journal_size_limit=67108864;
      PRAGMA foreign_keys=OFF;
      PRAGMA temp_store=MEMORY;
      """)
    try Self.migrate(connection, logger: logger)
    // The WAL exists once the connection has read the database in WAL mode (migrate did).
    writer = try SQLiteWriteQueue(
      connection: connection, walPath: path + "-wal", maxBatch: options.maxCommitBatch,
      counters: counters)
    // The index is derived: its writes are never fsynced (a checkpoint's fsyncs, landing
    // among the PUTs' own, cost a tenth of small-PUT throughput), and the open marker has it
    // rebuilt should the machine go down while it is open.
    try IndexOpenMarker.prepare(indexPath: indexPath, logger: logger)
    self.indexPath = indexPath
    let index = try SQLiteConnection(path: indexPath, readOnly: false, counters: counters)
    // A checkpoint every 8,192 WAL pages (32 MiB) rather than SQLite's 1,000: a page that
    // many index transactions change (the tallies, the B-trees' upper levels) is copied into
    // the database once per checkpoint, so fewer checkpoints write fewer pages in all.
    try index.execute(
      """
      PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;
      PRAGMA wal_autocheckpoint=8192;
      """)
    try Self.migrate(
      index, logger: logger, migrations: Self.indexMigrations, what: "index", level: .debug)
    try index.execute("ATTACH DATABASE \(Self.quoted(path)) AS catalog")
    indexWriter = Locked(index)
    readers = try SQLiteReaderPool(
      path: path, count: options.readerConnections, counters: counters,
      attach: "ATTACH DATABASE \(Self.quoted(indexPath)) AS lake")
  }

  /// `text` as an SQL string literal.
  static func quoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
  }

  /// Runs `body` in a transaction of the index database (the indexer's writes), committed
  /// without an fsync: the index is derived, and the indexer redoes what a crash loses.
  func writeIndex<T>(_ body: (SQLiteConnection) throws(LakeError) -> T) throws(LakeError) -> T {
    try indexWriter.withLock { (connection) throws(LakeError) -> T in
      guard let connection else { throw .catalog("store is closed") }
      try connection.execute("BEGIN IMMEDIATE")
      let value: T
      do throws(LakeError) {
        value = try body(connection)
        try connection.execute("COMMIT")
      } catch {
        try? connection.execute("ROLLBACK")
        throw error
      }
      return value
    }
  }

  /// Runs `body` on a pooled read-only connection; blocks while all are borrowed.
  func read<T>(_ body: (SQLiteConnection) throws(LakeError) -> T) throws(LakeError) -> T {
    try readers.withConnection(body)
  }

  /// Runs `body` in a write transaction (possibly batched with concurrent writes), durable
  /// when this returns unless `durable` is false (see `SQLiteWriteQueue.perform`).
  /// `body` must be quick and touch only the catalog.
  func write<T: Sendable>(
    durable: Bool = true,
    _ body: @escaping @Sendable (SQLiteConnection) throws(LakeError) -> T
  ) throws(LakeError) -> T {
    try writer.perform(durable: durable, body)
  }

  /// Commits `body` without waiting for the disk; the write is durable once
  /// ``awaitDurable(_:)`` returns for the ticket (see `SQLiteWriteQueue.stage`).
  func stage<T: Sendable>(
    _ body: @escaping @Sendable (SQLiteConnection) throws(LakeError) -> T
  ) throws(LakeError) -> (T, SyncRounds.Ticket) {
    try writer.stage(body)
  }

  /// Returns once the writes staged before `ticket` are durable; throws `.catalog` if the
  /// WAL cannot be fsynced.
  func awaitDurable(_ ticket: SyncRounds.Ticket) throws(LakeError) {
    try writer.awaitDurable(ticket)
  }

  /// Bumped after every write transaction (committed or not): wait on it to follow commits.
  var commits: SequenceGate { writer.commits }

  /// Writes waiting for the running write transaction to finish.
  var pendingWriteCount: Int { writer.pendingCount }

  /// Closes the readers, checkpoints the WAL and closes the writer; idempotent.
  func close() {
    readers.close()
    indexWriter.withLock { connection in
      guard let open = connection else { return }
      // A full checkpoint with fsyncs: then the index is whole on disk without its marker.
      let synced =
        (try? open.execute("PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE);")) != nil
      open.close()
      connection = nil
      if synced { IndexOpenMarker.remove(indexPath: indexPath) }
    }
    writer.close()
  }
}
