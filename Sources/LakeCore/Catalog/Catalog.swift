import Logging

/// The SQLite manifest catalog: buckets, object rows, write intents and the change log.
///
/// One writer connection (group-committing, see `SQLiteWriteQueue`) and a pool of read-only
/// connections, all in WAL mode so reads run beside the writer. Every write is durable when
/// `write` returns (`synchronous=FULL`).
///
/// Thread rule: every method may be called from any thread at once.
final class Catalog: Sendable {
  let counters = CatalogCounters()
  private let writer: SQLiteWriteQueue
  private let readers: SQLiteReaderPool

  /// Opens (creating if needed) the catalog at `path` and migrates it to the latest schema.
  /// Throws `.catalog` if SQLite fails or the schema is newer than this build knows.
  init(path: String, options: StoreOptions, logger: Logger) throws(LakeError) {
    let connection = try SQLiteConnection(path: path, readOnly: false, counters: counters)
    let mode = try connection.run("PRAGMA journal_mode=WAL") { (statement) throws(LakeError) in
      try statement.step() ? statement.text(0) : ""
    }
    guard mode.lowercased() == "wal" else {
      throw .catalog("the catalog's filesystem does not support WAL (journal_mode=\(mode))")
    }
    try connection.execute(
      """
      PRAGMA synchronous=FULL;
      PRAGMA journal_size_limit=67108864;
      PRAGMA foreign_keys=OFF;
      """)
    try Self.migrate(connection, logger: logger)
    writer = SQLiteWriteQueue(
      connection: connection, maxBatch: options.maxCommitBatch, counters: counters)
    readers = try SQLiteReaderPool(
      path: path, count: options.readerConnections, counters: counters)
  }

  /// Runs `body` on a pooled read-only connection; blocks while all are borrowed.
  func read<T>(_ body: (SQLiteConnection) throws(LakeError) -> T) throws(LakeError) -> T {
    try readers.withConnection(body)
  }

  /// Runs `body` in a durable write transaction (possibly batched with concurrent writes).
  /// `body` must be quick and touch only the catalog.
  func write<T: Sendable>(
    _ body: @escaping @Sendable (SQLiteConnection) throws(LakeError) -> T
  ) throws(LakeError) -> T {
    try writer.perform(body)
  }

  /// Writes waiting for the running write transaction to finish.
  var pendingWriteCount: Int { writer.pendingCount }

  /// Closes the readers, checkpoints the WAL and closes the writer; idempotent.
  func close() {
    readers.close()
    writer.close()
  }
}
