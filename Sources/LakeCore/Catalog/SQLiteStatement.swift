import CSQLite

/// A prepared statement owned by one `SQLiteConnection`. Not thread-safe: used only by the
/// thread that currently holds its connection, between `SQLiteConnection.run`'s reset calls.
final class SQLiteStatement {
  let handle: OpaquePointer
  private unowned let connection: SQLiteConnection

  init(handle: OpaquePointer, connection: SQLiteConnection) {
    self.handle = handle
    self.connection = connection
  }

  /// `SQLITE_TRANSIENT`: SQLite copies bound bytes before the bind call returns.
  private static var transient: sqlite3_destructor_type {
    unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self)
  }

  func bind(_ index: Int32, _ value: Int64) throws(LakeError) {
    try check(sqlite3_bind_int64(handle, index, value))
  }

  func bind(_ index: Int32, _ value: Int64?) throws(LakeError) {
    guard let value else { return try bindNull(index) }
    try bind(index, value)
  }

  func bind(_ index: Int32, _ value: Double) throws(LakeError) {
    try check(sqlite3_bind_double(handle, index, value))
  }

  /// Binds a string as TEXT with its explicit UTF-8 length (embedded NULs survive).
  func bind(_ index: Int32, _ value: String?) throws(LakeError) {
    guard var value else { return try bindNull(index) }
    let code = value.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { chars in
        bindText(index, chars)
      }
    }
    try check(code)
  }

  /// Binds raw bytes as TEXT. Used for range bounds built by incrementing a key's last byte,
  /// which may not be valid UTF-8; SQLite compares TEXT with BINARY collation by `memcmp`.
  func bindText(_ index: Int32, bytes: [UInt8]) throws(LakeError) {
    let code = bytes.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        bindText(index, chars)
      }
    }
    try check(code)
  }

  func bindNull(_ index: Int32) throws(LakeError) {
    try check(sqlite3_bind_null(handle, index))
  }

  /// Advances to the next row; false when the statement is done.
  func step() throws(LakeError) -> Bool {
    connection.counters.steps.add(1, ordering: .relaxed)
    switch sqlite3_step(handle) {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    case let code: throw connection.error(code, "step")
    }
  }

  /// How many columns the statement's rows have.
  var columnCount: Int { Int(sqlite3_column_count(handle)) }

  func int64(_ column: Int32) -> Int64 {
    sqlite3_column_int64(handle, column)
  }

  func double(_ column: Int32) -> Double {
    sqlite3_column_double(handle, column)
  }

  /// Whether the column holds an INTEGER (not a REAL, TEXT, BLOB or NULL).
  func isInteger(_ column: Int32) -> Bool {
    sqlite3_column_type(handle, column) == SQLITE_INTEGER
  }

  /// Whether the column holds a REAL.
  func isReal(_ column: Int32) -> Bool {
    sqlite3_column_type(handle, column) == SQLITE_FLOAT
  }

  func isNull(_ column: Int32) -> Bool {
    sqlite3_column_type(handle, column) == SQLITE_NULL
  }

  /// The column's bytes, valid until the next step, reset or column call on this statement.
  func textBytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
    let count = Int(sqlite3_column_bytes(handle, column))
    guard let base = sqlite3_column_text(handle, column) else {
      return UnsafeBufferPointer(start: nil, count: 0)
    }
    return UnsafeBufferPointer(start: base, count: count)
  }

  func text(_ column: Int32) -> String {
    String(decoding: textBytes(column), as: UTF8.self)
  }

  func optionalText(_ column: Int32) -> String? {
    isNull(column) ? nil : text(column)
  }

  func optionalInt64(_ column: Int32) -> Int64? {
    isNull(column) ? nil : int64(column)
  }

  /// Resets for the next execution and counts the work this one did.
  func reset() {
    let vmSteps = sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_VM_STEP, 1)
    connection.counters.virtualMachineSteps.add(Int(vmSteps), ordering: .relaxed)
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
  }

  private func check(_ code: Int32) throws(LakeError) {
    if code != SQLITE_OK { throw connection.error(code, "bind") }
  }

  /// Binds text; an empty buffer may have no base address, which SQLite would bind as NULL.
  private func bindText(_ index: Int32, _ chars: UnsafeBufferPointer<CChar>) -> Int32 {
    guard let base = chars.baseAddress, !chars.isEmpty else {
      return sqlite3_bind_text(handle, index, "", 0, Self.transient)
    }
    return sqlite3_bind_text(handle, index, base, Int32(chars.count), Self.transient)
  }
}
