/// What writing one batch of plans did.
struct DuckLakeSnapshotResult: Sendable {
  /// The new snapshot, nil when nothing in the view changed.
  var snapshot: Int64?
  /// DuckLake's summary of the snapshot (`ducklake_snapshot_changes.changes_made`).
  var changes: [String] = []
  /// Files left out that were not left out (for that reason) before, with their dataset.
  var newlyExcluded: [(dataset: String, exclusion: DuckLakeTablePlan.Exclusion)] = []
  /// Whether a table was dropped: its name is free for a dataset that was refused it.
  var droppedTable = false
}

extension DuckLakeCatalogFile {
  /// The ids the next snapshot allocates from, as `ducklake_snapshot` carries them.
  struct SnapshotIDs {
    var snapshot: Int64
    var schemaVersion: Int64
    var nextCatalogID: Int64
    var nextFileID: Int64
  }

  /// Brings the tables of the plans' datasets to what the plans say, as one new snapshot
  /// (none when nothing changed), records the files left out, and moves the reflected
  /// sequence number to `sequence`; all in one transaction. Throws `.catalog` or `.io`
  /// when SQLite fails; the file is then unchanged.
  func apply(_ plans: [DuckLakeTablePlan], reflecting sequence: Int64) throws(LakeError)
    -> DuckLakeSnapshotResult
  {
    try connection.execute("BEGIN IMMEDIATE")
    do {
      let result = try write(plans, reflecting: sequence)
      try connection.execute("COMMIT")
      return result
    } catch {
      try? connection.execute("ROLLBACK")
      throw error
    }
  }

  private func write(_ plans: [DuckLakeTablePlan], reflecting sequence: Int64) throws(LakeError)
    -> DuckLakeSnapshotResult
  {
    var ids = try nextIDs()
    var result = DuckLakeSnapshotResult()
    var created: [Int64] = []
    var live: [String: DuckLakeLiveTable] = [:]
    // Drops first, so a name a dropped table frees can be taken in the same snapshot.
    for plan in plans {
      guard let table = try table(of: plan.dataset) else { continue }
      let definition = DuckLakeTablePlan.definitionText(plan.columns)
      if plan.columns.isEmpty || definition != DuckLakeTablePlan.definitionText(table.columns)
        || plan.tableName != table.name
      {
        try drop(table, at: ids.snapshot)
        result.changes.append("dropped_table:\(table.id)")
        result.droppedTable = true
      } else {
        live[plan.dataset] = table
      }
    }
    for plan in plans {
      var excluded = plan.excluded
      var table = live[plan.dataset]
      if table == nil, !plan.columns.isEmpty {
        if let owner = try dataset(named: plan.tableName) {
          let reason = "table name main.\(plan.tableName) is taken by dataset '\(owner)'"
          excluded += plan.files.map { .init(key: $0.key, sequence: $0.sequence, reason: reason) }
        } else {
          let new = try create(plan, ids: &ids)
          created.append(new.id)
          result.changes.append(
            "created_table:\(Self.quoted("main")).\(Self.quoted(plan.tableName))")
          table = new
        }
      }
      if var table {
        let (added, removed) = try syncFiles(plan, table: &table, ids: &ids)
        if added > 0 { result.changes.append("inserted_into_table:\(table.id)") }
        if removed > 0 { result.changes.append("deleted_from_table:\(table.id)") }
        if added > 0 || removed > 0 { try writeTableStatistics(plan, table: table) }
      }
      let newly = try record(excluded, dataset: plan.dataset)
      result.newlyExcluded += newly.map { (plan.dataset, $0) }
    }
    if !result.changes.isEmpty {
      if result.droppedTable || !created.isEmpty { ids.schemaVersion += 1 }
      for id in created {
        try connection.update("INSERT INTO ducklake_schema_versions VALUES (?1, ?2, ?3)") {
          (statement) throws(LakeError) in
          try statement.bind(1, ids.snapshot)
          try statement.bind(2, ids.schemaVersion)
          try statement.bind(3, id)
        }
      }
      try insertSnapshot(ids, changes: result.changes, sequence: sequence)
      result.snapshot = ids.snapshot
    }
    try connection.update("UPDATE lakestore_state SET reflected_seq = ?1 WHERE id = 1") {
      (statement) throws(LakeError) in try statement.bind(1, sequence)
    }
    return result
  }

  private func nextIDs() throws(LakeError) -> SnapshotIDs {
    try connection.run(
      """
      SELECT snapshot_id, schema_version, next_catalog_id, next_file_id FROM ducklake_snapshot
      ORDER BY snapshot_id DESC LIMIT 1
      """
    ) { (statement) throws(LakeError) -> SnapshotIDs in
      guard try statement.step() else { throw .catalog("\(path): no snapshot") }
      return SnapshotIDs(
        snapshot: statement.int64(0) + 1, schemaVersion: statement.int64(1),
        nextCatalogID: statement.int64(2), nextFileID: statement.int64(3))
    }
  }

  private func insertSnapshot(_ ids: SnapshotIDs, changes: [String], sequence: Int64)
    throws(LakeError)
  {
    try connection.update("INSERT INTO ducklake_snapshot VALUES (?1, ?2, ?3, ?4, ?5)") {
      (statement) throws(LakeError) in
      try statement.bind(1, ids.snapshot)
      try statement.bind(2, DuckLakeText.now())
      try statement.bind(3, ids.schemaVersion)
      try statement.bind(4, ids.nextCatalogID)
      try statement.bind(5, ids.nextFileID)
    }
    try connection.update(
      "INSERT INTO ducklake_snapshot_changes VALUES (?1, ?2, 'LakeStore', ?3, NULL)"
    ) { (statement) throws(LakeError) in
      try statement.bind(1, ids.snapshot)
      try statement.bind(2, changes.joined(separator: ","))
      try statement.bind(3, "LakeStore index up to change \(sequence)")
    }
  }

  /// Ends the table, its columns and its files at `snapshot`.
  private func drop(_ table: DuckLakeLiveTable, at snapshot: Int64) throws(LakeError) {
    for sql in [
      "UPDATE ducklake_table SET end_snapshot = ?2 WHERE table_id = ?1 AND end_snapshot IS NULL",
      "UPDATE ducklake_column SET end_snapshot = ?2 WHERE table_id = ?1 AND end_snapshot IS NULL",
      "UPDATE ducklake_data_file SET end_snapshot = ?2 WHERE table_id = ?1 AND end_snapshot IS NULL",
      "DELETE FROM lakestore_files WHERE table_id = ?1 AND ?2 IS NOT NULL",
      "DELETE FROM lakestore_tables WHERE table_id = ?1 AND ?2 IS NOT NULL",
    ] {
      try connection.update(sql) { (statement) throws(LakeError) in
        try statement.bind(1, table.id)
        try statement.bind(2, snapshot)
      }
    }
  }

  /// The dataset whose live table is called `name` (DuckDB ignores case), if any.
  private func dataset(named name: String) throws(LakeError) -> String? {
    try connection.run("SELECT dataset FROM lakestore_tables WHERE lower(table_name) = lower(?1)") {
      (statement) throws(LakeError) -> String? in
      try statement.bind(1, name)
      return try statement.step() ? statement.text(0) : nil
    }
  }

  /// Records the dataset's files left out, replacing its earlier list; returns the ones that
  /// are new (or left out for another reason than before).
  private func record(_ excluded: [DuckLakeTablePlan.Exclusion], dataset: String)
    throws(LakeError) -> [DuckLakeTablePlan.Exclusion]
  {
    let before = try connection.run(
      "SELECT key, reason FROM lakestore_excluded WHERE dataset = ?1"
    ) { (statement) throws(LakeError) -> [String: String] in
      try statement.bind(1, dataset)
      var rows: [String: String] = [:]
      while try statement.step() { rows[statement.text(0)] = statement.text(1) }
      return rows
    }
    try connection.update("DELETE FROM lakestore_excluded WHERE dataset = ?1") {
      (statement) throws(LakeError) in try statement.bind(1, dataset)
    }
    for exclusion in excluded {
      try connection.update("INSERT OR REPLACE INTO lakestore_excluded VALUES (?1, ?2, ?3, ?4)") {
        (statement) throws(LakeError) in
        try statement.bind(1, exclusion.key)
        try statement.bind(2, dataset)
        try statement.bind(3, exclusion.sequence)
        try statement.bind(4, exclusion.reason)
      }
    }
    return excluded.filter { before[$0.key] != $0.reason }
  }

  /// `"name"` with inner quotes doubled, as `changes_made` quotes names.
  static func quoted(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
