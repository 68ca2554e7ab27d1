extension DuckLakeCatalogFile {
  /// Creates the plan's table in snapshot `ids.snapshot`: the table, its columns (ids from
  /// 1), and a by-name column mapping in which partition columns are read from the Hive
  /// folders of each file's path, as `ducklake_add_data_files(..., hive_partitioning =>
  /// true)` records them (pyarrow's `partition_cols` leave them out of the files).
  func create(_ plan: DuckLakeTablePlan, ids: inout SnapshotIDs) throws(LakeError)
    -> DuckLakeLiveTable
  {
    let id = ids.nextCatalogID
    ids.nextCatalogID += 1
    let snapshot = ids.snapshot
    try connection.update("INSERT INTO ducklake_table VALUES (?1, ?2, ?3, NULL, 0, ?4, ?5, 1)") {
      (statement) throws(LakeError) in
      try statement.bind(1, id)
      try statement.bind(2, DuckLakeText.uuid())
      try statement.bind(3, snapshot)
      try statement.bind(4, plan.tableName)
      try statement.bind(5, plan.dataset.isEmpty ? "" : plan.dataset + "/")
    }
    let mapping =
      try connection.scalar("SELECT coalesce(max(mapping_id) + 1, 0) FROM ducklake_column_mapping")
      ?? 0
    try connection.update("INSERT INTO ducklake_column_mapping VALUES (?1, ?2, 'map_by_name')") {
      (statement) throws(LakeError) in
      try statement.bind(1, mapping)
      try statement.bind(2, id)
    }
    for (index, column) in plan.columns.enumerated() {
      let columnID = Int64(index + 1)
      try connection.update(
        """
        INSERT INTO ducklake_column
        VALUES (?1, ?2, NULL, ?3, ?1, ?4, ?5, NULL, 'NULL', 1, NULL, 'literal', 'duckdb')
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, columnID)
        try statement.bind(2, snapshot)
        try statement.bind(3, id)
        try statement.bind(4, column.name)
        try statement.bind(5, column.type)
      }
      try connection.update("INSERT INTO ducklake_name_mapping VALUES (?1, ?2, ?3, ?4, NULL, ?5)") {
        (statement) throws(LakeError) in
        try statement.bind(1, mapping)
        try statement.bind(2, Int64(index))
        try statement.bind(3, column.name)
        try statement.bind(4, columnID)
        try statement.bind(5, Int64(column.isPartition ? 1 : 0))
      }
    }
    let table = DuckLakeLiveTable(
      id: id, name: plan.tableName, columns: plan.columns, mappingID: mapping, nextRowID: 0)
    let definition = DuckLakeTablePlan.definitionText(plan.columns)
    try connection.update("INSERT INTO lakestore_tables VALUES (?1, ?2, ?3, ?4, ?5, 0)") {
      (statement) throws(LakeError) in
      try statement.bind(1, id)
      try statement.bind(2, plan.dataset)
      try statement.bind(3, plan.tableName)
      try statement.bind(4, definition)
      try statement.bind(5, mapping)
    }
    return table
  }

  /// Ends the data files whose object version is no longer listed and adds the ones that
  /// are new (an overwritten object is both); returns how many were added and removed.
  func syncFiles(_ plan: DuckLakeTablePlan, table: inout DuckLakeLiveTable, ids: inout SnapshotIDs)
    throws(LakeError) -> (added: Int, removed: Int)
  {
    let current = try connection.run(
      "SELECT data_file_id, key, seq FROM lakestore_files WHERE table_id = ?1"
    ) { (statement) throws(LakeError) -> [String: (id: Int64, sequence: Int64)] in
      try statement.bind(1, table.id)
      var files: [String: (id: Int64, sequence: Int64)] = [:]
      while try statement.step() {
        files[statement.text(1)] = (statement.int64(0), statement.int64(2))
      }
      return files
    }
    let wanted = Dictionary(plan.files.map { ($0.key, $0.sequence) }, uniquingKeysWith: max)
    var removed = 0
    for (key, file) in current where wanted[key] != file.sequence {
      for sql in [
        "UPDATE ducklake_data_file SET end_snapshot = ?2 WHERE data_file_id = ?1",
        "DELETE FROM lakestore_files WHERE data_file_id = ?1 AND ?2 IS NOT NULL",
      ] {
        try connection.update(sql) { (statement) throws(LakeError) in
          try statement.bind(1, file.id)
          try statement.bind(2, ids.snapshot)
        }
      }
      removed += 1
    }
    var added = 0
    for file in plan.files where current[file.key]?.sequence != file.sequence {
      try insert(file, plan: plan, table: &table, ids: &ids)
      added += 1
    }
    if added > 0 {
      try connection.update("UPDATE lakestore_tables SET next_row_id = ?2 WHERE table_id = ?1") {
        (statement) throws(LakeError) in
        try statement.bind(1, table.id)
        try statement.bind(2, table.nextRowID)
      }
    }
    return (added, removed)
  }

  /// Lists one object as a data file of the table, with its column statistics; its path is
  /// relative to the table's (`<data>/<bucket>/` + `<dataset>/` + the rest of the key).
  private func insert(
    _ file: DuckLakeSourceFile, plan: DuckLakeTablePlan, table: inout DuckLakeLiveTable,
    ids: inout SnapshotIDs
  ) throws(LakeError) {
    let id = ids.nextFileID
    ids.nextFileID += 1
    let rows = file.rowCount ?? 0
    let prefix = plan.dataset.isEmpty ? 0 : plan.dataset.utf8.count + 1
    let relative = String(decoding: file.key.utf8.dropFirst(prefix), as: UTF8.self)
    let (snapshot, tableID, mapping, rowStart) = (
      ids.snapshot, table.id, table.mappingID, table.nextRowID
    )
    try connection.update(
      """
      INSERT INTO ducklake_data_file
      VALUES (?1, ?2, ?3, NULL, NULL, ?4, 1, 'parquet', ?5, ?6, NULL, ?7, NULL, NULL, ?8, NULL)
      """
    ) { (statement) throws(LakeError) in
      try statement.bind(1, id)
      try statement.bind(2, tableID)
      try statement.bind(3, snapshot)
      try statement.bind(4, relative)
      try statement.bind(5, rows)
      try statement.bind(6, file.size)
      try statement.bind(7, rowStart)
      try statement.bind(8, mapping)
    }
    table.nextRowID += rows
    for (index, column) in plan.columns.enumerated() {
      let statistics = DuckLakeStatistics(of: column, in: file)
      let (low, high) = statistics.text(for: column)
      try connection.update(
        "INSERT INTO ducklake_file_column_stats VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6, ?7, NULL, NULL)"
      ) { (statement) throws(LakeError) in
        try statement.bind(1, id)
        try statement.bind(2, tableID)
        try statement.bind(3, Int64(index + 1))
        try statement.bind(4, statistics.values)
        try statement.bind(5, statistics.nulls)
        try statement.bind(6, low)
        try statement.bind(7, high)
      }
    }
    try connection.update("INSERT INTO lakestore_files VALUES (?1, ?2, ?3, ?4)") {
      (statement) throws(LakeError) in
      try statement.bind(1, id)
      try statement.bind(2, tableID)
      try statement.bind(3, file.key)
      try statement.bind(4, file.sequence)
    }
  }

  /// Replaces the table's totals and per-column statistics with those of its listed files.
  func writeTableStatistics(_ plan: DuckLakeTablePlan, table: DuckLakeLiveTable)
    throws(LakeError)
  {
    let rows = plan.files.reduce(0) { $0 + ($1.rowCount ?? 0) }
    let bytes = plan.files.reduce(0) { $0 + $1.size }
    for sql in [
      "DELETE FROM ducklake_table_stats WHERE table_id = ?1",
      "DELETE FROM ducklake_table_column_stats WHERE table_id = ?1",
    ] {
      try connection.update(sql) { (statement) throws(LakeError) in try statement.bind(1, table.id)
      }
    }
    try connection.update("INSERT INTO ducklake_table_stats VALUES (?1, ?2, ?3, ?4)") {
      (statement) throws(LakeError) in
      try statement.bind(1, table.id)
      try statement.bind(2, rows)
      try statement.bind(3, table.nextRowID)
      try statement.bind(4, bytes)
    }
    for (index, column) in plan.columns.enumerated() {
      let statistics = DuckLakeStatistics(of: column, over: plan.files)
      let (low, high) = statistics.text(for: column)
      try connection.update(
        "INSERT INTO ducklake_table_column_stats VALUES (?1, ?2, ?3, NULL, ?4, ?5, NULL)"
      ) { (statement) throws(LakeError) in
        try statement.bind(1, table.id)
        try statement.bind(2, Int64(index + 1))
        // Unknown null counts say "may contain nulls", the answer that prunes nothing.
        try statement.bind(3, Int64(statistics.nulls.map { $0 > 0 ? 1 : 0 } ?? 1))
        try statement.bind(4, low)
        try statement.bind(5, high)
      }
    }
  }
}
