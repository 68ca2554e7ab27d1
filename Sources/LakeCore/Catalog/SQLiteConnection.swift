import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// One SQLite connection (opened `SQLITE_OPEN_NOMUTEX`) with a cache of prepared statements.
///
/// Thread rule: a connection is used by one thread at a time. Ownership is handed between
/// threads only by `SQLiteReaderPool` and `SQLiteWriteQueue`, which is why this type is
/// `@unchecked Sendable`.
final class SQLiteConnection: @unchecked Sendable {
  let handle: OpaquePointer
  let counters: CatalogCounters
  private var statements: [String: SQLiteStatement] = [:]
  private var isOpen = true

  /// SQLite's process-wide settings, made once before the first connection: memory
  /// statistics off (with them, each allocation of every connection took one global mutex,
  /// and the indexer's index writes held up the PUTs' catalog commits).
  private static let configure: Void = {
    _ = lake_sqlite_configure()
  }()

  /// Opens the database at `path`; a read-only connection never writes (WAL readers).
  /// Throws `.catalog` when SQLite cannot open it.
  init(path: String, readOnly: Bool, counters: CatalogCounters) throws(LakeError) {
    Self.configure
    var db: OpaquePointer?
    let access = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
    let code = sqlite3_open_v2(path, &db, access | SQLITE_OPEN_NOMUTEX, nil)
    guard code == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close_v2(db)
      throw .catalog("open \(path): \(message) (\(code))")
    }
    handle = db
    self.counters = counters
    sqlite3_extended_result_codes(handle, 1)
    // Another process (say the sqlite3 shell) may hold a lock briefly; wait rather than fail.
    sqlite3_busy_timeout(handle, 10_000)
  }

  deinit {
    close()
  }

  /// Runs one or more SQL statements without results (DDL, pragmas, transaction control).
  func execute(_ sql: String) throws(LakeError) {
    counters.queries.add(1, ordering: .relaxed)
    let code = sqlite3_exec(handle, sql, nil, nil, nil)
    if code != SQLITE_OK { throw error(code, sql) }
  }

  /// Runs `body` with the cached prepared statement for `sql`, then resets it (clearing its
  /// bindings) whether or not `body` throws. `body` must not keep the statement.
  func run<T>(_ sql: String, _ body: (SQLiteStatement) throws(LakeError) -> T) throws(LakeError)
    -> T
  {
    let statement = try prepared(sql)
    counters.queries.add(1, ordering: .relaxed)
    defer { statement.reset() }
    return try body(statement)
  }

  /// Runs a statement that returns no rows, after `bind` binds its parameters.
  func update(
    _ sql: String, _ bind: (SQLiteStatement) throws(LakeError) -> Void = { _ in }
  ) throws(LakeError) {
    try run(sql) { (statement) throws(LakeError) in
      try bind(statement)
      while try statement.step() {}
    }
  }

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  var changes: Int { Int(sqlite3_changes(handle)) }

  /// The rowid of the last INSERT.
  var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// A single integer from `sql` (a pragma or aggregate), or nil without a row.
  func scalar(_ sql: String) throws(LakeError) -> Int64? {
    try run(sql) { (statement) throws(LakeError) -> Int64? in
      try statement.step() ? statement.int64(0) : nil
    }
  }

  /// The catalog error for a failed SQLite call, with SQLite's message.
  /// A full disk, an I/O error and a read-only file system are reported as the `errno` they
  /// stand for, so the server answers them as it answers the same failure of a file write
  /// (507 for a full disk).
  func error(_ code: Int32, _ context: String) -> LakeError {
    let message = String(cString: sqlite3_errmsg(handle))
    let errnoCode: Int32
    switch code & 0xff {
    case SQLITE_FULL: errnoCode = ENOSPC
    case SQLITE_IOERR: errnoCode = EIO
    case SQLITE_READONLY: errnoCode = EROFS
    default: return .catalog("\(context): \(message) (\(code))")
    }
    return .io(
      operation: "catalog \(context.prefix(80)): \(message)", path: ".lakestore/catalog.db",
      errno: errnoCode)
  }

  /// Finalizes statements and closes; idempotent.
  func close() {
    guard isOpen else { return }
    isOpen = false
    for statement in statements.values { sqlite3_finalize(statement.handle) }
    statements = [:]
    sqlite3_close_v2(handle)
  }

  private func prepared(_ sql: String) throws(LakeError) -> SQLiteStatement {
    if let statement = statements[sql] { return statement }
    guard isOpen else { throw .catalog("connection is closed") }
    var raw: OpaquePointer?
    let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
    guard code == SQLITE_OK, let raw else { throw error(code, "prepare \(sql)") }
    let statement = SQLiteStatement(handle: raw, connection: self)
    statements[sql] = statement
    return statement
  }
}
