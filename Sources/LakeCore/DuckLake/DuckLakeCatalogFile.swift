import Foundation
import Logging

/// One bucket's DuckLake catalog: a SQLite file DuckDB attaches with
/// `ATTACH 'ducklake:sqlite:<path>'`, and its writer connection.
///
/// The file is in WAL mode, so DuckDB reads it while a snapshot is written; each snapshot is
/// one transaction, which also records the change sequence number it reflects.
///
/// Thread rule: used by one thread at a time (``DuckLakeViews`` keeps every file on its
/// serial queue), which is why it is `@unchecked Sendable`.
final class DuckLakeCatalogFile: @unchecked Sendable {
  let path: String
  let connection: SQLiteConnection

  /// Opens the catalog at `path` whose data files live under `dataPath` (the bucket's
  /// directory, absolute, ending in `/`), creating it when missing. A file that cannot be
  /// opened, is not a catalog of this format, or is damaged is deleted and created anew
  /// (its history is lost; the index rebuilds its content). Throws `.catalog` or `.io` when
  /// even a new file cannot be created.
  static func open(path: String, dataPath: String, logger: Logger) throws(LakeError)
    -> DuckLakeCatalogFile
  {
    if FileManager.default.fileExists(atPath: path) {
      var opened: DuckLakeCatalogFile?
      do throws(LakeError) {
        let file = try DuckLakeCatalogFile(path: path)
        opened = file
        try file.validate(dataPath: dataPath)
        return file
      } catch {
        opened?.close()
        logger.info(
          "ducklake: rebuilding an unreadable view from the index",
          metadata: ["path": "\(path)", "error": "\(error)"])
        remove(path: path)
      }
    }
    let file = try DuckLakeCatalogFile(path: path)
    try DuckLakeSchema.create(
      on: file.connection, dataPath: dataPath, time: DuckLakeText.now())
    return file
  }

  private init(path: String) throws(LakeError) {
    self.path = path
    connection = try SQLiteConnection(path: path, readOnly: false, counters: CatalogCounters())
    let mode = try connection.run("PRAGMA journal_mode=WAL") { (statement) throws(LakeError) in
      try statement.step() ? statement.text(0) : ""
    }
    guard mode.lowercased() == "wal" else {
      throw .catalog("\(path): the file system does not support WAL (journal_mode=\(mode))")
    }
    try connection.execute("PRAGMA synchronous=NORMAL")
  }

  /// Checks the file is a view of this format and points at `dataPath` (the data directory
  /// may have moved: the path is updated).
  private func validate(dataPath: String) throws(LakeError) {
    let check = try connection.run("PRAGMA quick_check") { (statement) throws(LakeError) in
      try statement.step() ? statement.text(0) : ""
    }
    guard check == "ok" else { throw .catalog("\(path): \(check)") }
    let format = try connection.scalar("SELECT format FROM lakestore_state WHERE id = 1")
    let version = try text("SELECT value FROM ducklake_metadata WHERE key = 'version'")
    guard format == DuckLakeSchema.format, version == DuckLakeSchema.specVersion else {
      throw .catalog("\(path): format \(format ?? 0), DuckLake \(version ?? "none")")
    }
    if try text("SELECT value FROM ducklake_metadata WHERE key = 'data_path'") != dataPath {
      try connection.update("UPDATE ducklake_metadata SET value = ?1 WHERE key = 'data_path'") {
        (statement) throws(LakeError) in try statement.bind(1, dataPath)
      }
    }
  }

  /// The change sequence number the view reflects.
  func reflectedSequence() throws(LakeError) -> Int64 {
    try connection.scalar("SELECT reflected_seq FROM lakestore_state WHERE id = 1") ?? 0
  }

  /// The latest snapshot's id.
  func latestSnapshot() throws(LakeError) -> Int64 {
    try connection.scalar("SELECT max(snapshot_id) FROM ducklake_snapshot") ?? 0
  }

  /// The datasets that have a table in the latest snapshot.
  func datasets() throws(LakeError) -> [String] {
    try connection.run("SELECT dataset FROM lakestore_tables ORDER BY dataset") {
      (statement) throws(LakeError) -> [String] in
      var names: [String] = []
      while try statement.step() { names.append(statement.text(0)) }
      return names
    }
  }

  /// The live table of `dataset`: its id, name, columns, mapping and next row id.
  func table(of dataset: String) throws(LakeError) -> DuckLakeLiveTable? {
    try connection.run(
      """
      SELECT table_id, table_name, definition, mapping_id, next_row_id FROM lakestore_tables
      WHERE dataset = ?1
      """
    ) { (statement) throws(LakeError) -> DuckLakeLiveTable? in
      try statement.bind(1, dataset)
      guard try statement.step() else { return nil }
      let columns = statement.text(2).split(separator: "\n").compactMap {
        line -> DuckLakeColumnDefinition? in
        let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        return DuckLakeColumnDefinition(
          name: String(parts[0]), type: String(parts[1]), isPartition: parts[2] == "p")
      }
      return DuckLakeLiveTable(
        id: statement.int64(0), name: statement.text(1), columns: columns,
        mappingID: statement.int64(3), nextRowID: statement.int64(4))
    }
  }

  /// Those of `keys` that are listed in the view or left out of it, read in one
  /// transaction (not one per key).
  func known(among keys: some Sequence<String>) throws(LakeError) -> Set<String> {
    try connection.update("BEGIN")
    defer { try? connection.update("COMMIT") }
    var found: Set<String> = []
    for key in keys {
      let known = try connection.run(
        """
        SELECT EXISTS (SELECT 1 FROM lakestore_files WHERE key = ?1)
          OR EXISTS (SELECT 1 FROM lakestore_excluded WHERE key = ?1)
        """
      ) { (statement) throws(LakeError) -> Bool in
        try statement.bind(1, key)
        return try statement.step() && statement.int64(0) != 0
      }
      if known { found.insert(key) }
    }
    return found
  }

  /// The files left out of the view: key, dataset and reason, in key order.
  func excluded() throws(LakeError) -> [(key: String, dataset: String, reason: String)] {
    try connection.run("SELECT key, dataset, reason FROM lakestore_excluded ORDER BY key") {
      (statement) throws(LakeError) -> [(key: String, dataset: String, reason: String)] in
      var rows: [(key: String, dataset: String, reason: String)] = []
      while try statement.step() {
        rows.append((statement.text(0), statement.text(1), statement.text(2)))
      }
      return rows
    }
  }

  func text(_ sql: String) throws(LakeError) -> String? {
    try connection.run(sql) { (statement) throws(LakeError) -> String? in
      try statement.step() ? statement.optionalText(0) : nil
    }
  }

  /// Closes the connection (SQLite checkpoints the WAL into the file); idempotent.
  func close() {
    connection.close()
  }

  /// Deletes the catalog file and its WAL and shared-memory files.
  static func remove(path: String) {
    for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
  }
}

/// A table of the latest snapshot, with LakeStore's bookkeeping.
struct DuckLakeLiveTable: Sendable, Equatable {
  var id: Int64
  var name: String
  var columns: [DuckLakeColumnDefinition]
  var mappingID: Int64
  var nextRowID: Int64
}
