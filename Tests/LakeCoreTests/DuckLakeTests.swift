import Foundation
import LakeQuery
import XCTest

@testable import LakeCore

/// The DuckLake view of each bucket (`<data>/.lakestore/ducklake/<bucket>.sqlite`): tables per
/// Parquet dataset with their Hive partition columns, one snapshot per indexer batch that
/// changes them, files left out with a reason, catch-up and rebuild after a restart.
/// DuckDB itself reads these files in Tests/e2e/test_ducklake.py.
final class DuckLakeTests: XCTestCase {
  private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/parquet")

  private func fixture(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name + ".parquet")))
  }

  /// Rows of `sql` on the bucket's view, each column as text (nil for NULL).
  private func rows(_ store: LakeStore, _ bucket: String, _ sql: String) throws -> [[String?]] {
    let path = try XCTUnwrap(store.duckLakePath(bucket: bucket))
    let connection = try SQLiteConnection(path: path, readOnly: true, counters: CatalogCounters())
    defer { connection.close() }
    return try connection.run(sql) { (statement) throws(LakeError) -> [[String?]] in
      var rows: [[String?]] = []
      let count = statement.columnCount
      while try statement.step() {
        rows.append((0..<count).map { statement.optionalText(Int32($0)) })
      }
      return rows
    }
  }

  private func wait(_ store: LakeStore) throws {
    XCTAssertTrue(try store.waitForDuckLake(timeout: 30))
  }

  /// Keys of the table's files in the latest snapshot, as paths relative to the dataset.
  private func liveFiles(_ store: LakeStore, _ table: String) throws -> [String] {
    try rows(
      store, "lake",
      """
      SELECT f.path FROM ducklake_data_file f JOIN ducklake_table t USING (table_id)
      WHERE t.table_name = '\(table)' AND t.end_snapshot IS NULL AND f.end_snapshot IS NULL
      ORDER BY f.path
      """
    ).map { $0[0] ?? "" }
  }

  func test_parquet_datasets_become_tables_with_their_partition_columns() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    let typed = try fixture("typed")
    try put(store, "lake", "sales/year=2024/month=05/part-0.parquet", typed)
    try put(store, "lake", "sales/year=2024/month=06/part-0.parquet", typed)
    try put(store, "lake", "sales/year=2024/month=06/notes.csv", "a,b\n1,2\n")
    try put(store, "lake", "logs/app/part-0.parquet", try fixture("nostats"))
    try put(store, "lake", "top.parquet", try fixture("nostats"))
    try wait(store)

    XCTAssertEqual(
      try rows(store, "lake", "SELECT table_name, path FROM ducklake_table ORDER BY table_name"),
      [["_root", ""], ["logs__app", "logs/app/"], ["sales", "sales/"]])
    XCTAssertEqual(
      try rows(
        store, "lake",
        """
        SELECT c.column_name, c.column_type, m.is_partition FROM ducklake_column c
        JOIN ducklake_table t USING (table_id)
        JOIN ducklake_name_mapping m ON m.target_field_id = c.column_id
          AND m.mapping_id = (SELECT mapping_id FROM ducklake_column_mapping WHERE table_id = t.table_id)
        WHERE t.table_name = 'sales' ORDER BY c.column_order
        """),
      [
        ["i32", "int32", "0"], ["i64", "int64", "0"], ["f64", "float64", "0"],
        ["s", "varchar", "0"], ["d", "date", "0"], ["ts_ms", "timestamp_ms", "0"],
        ["ts_us_utc", "timestamptz", "0"], ["dec", "decimal(10,2)", "0"],
        ["flag", "boolean", "0"], ["year", "int64", "1"], ["month", "int64", "1"],
      ])
    XCTAssertEqual(
      try liveFiles(store, "sales"),
      ["year=2024/month=05/part-0.parquet", "year=2024/month=06/part-0.parquet"])
    XCTAssertEqual(
      try rows(store, "lake", "SELECT sum(record_count) FROM ducklake_data_file"), [["26"]])
    // Partition values as DuckDB casts them ("05" is 5), on every row of the file.
    XCTAssertEqual(
      try rows(
        store, "lake",
        """
        SELECT s.min_value, s.max_value, s.value_count, s.null_count
        FROM ducklake_file_column_stats s JOIN ducklake_column c
          ON c.table_id = s.table_id AND c.column_id = s.column_id
        WHERE c.column_name = 'month' ORDER BY s.min_value
        """),
      [["5", "5", "10", "0"], ["6", "6", "10", "0"]])
    XCTAssertEqual(
      try rows(
        store, "lake",
        """
        SELECT t.table_name, s.record_count FROM ducklake_table_stats s
        JOIN ducklake_table t USING (table_id) ORDER BY t.table_name
        """),
      [["_root", "3"], ["logs__app", "3"], ["sales", "20"]])
    XCTAssertEqual(try rows(store, "lake", "SELECT count(*) FROM lakestore_excluded"), [["0"]])
  }

  func test_overwrites_and_deletes_are_new_snapshots() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    let typed = try fixture("typed")
    try put(store, "lake", "sales/year=2024/part-0.parquet", typed)
    try put(store, "lake", "sales/year=2025/part-0.parquet", typed)
    try wait(store)
    let before = try rows(store, "lake", "SELECT max(snapshot_id) FROM ducklake_snapshot")[0][0]
    let firstIDs = try rows(
      store, "lake", "SELECT data_file_id FROM ducklake_data_file WHERE end_snapshot IS NULL")

    try put(store, "lake", "sales/year=2024/part-0.parquet", typed)  // overwrite
    try wait(store)
    let overwritten = try XCTUnwrap(
      rows(store, "lake", "SELECT max(snapshot_id) FROM ducklake_snapshot")[0][0])
    XCTAssertGreaterThan(Int(overwritten)!, Int(try XCTUnwrap(before))!)
    XCTAssertEqual(
      try rows(
        store, "lake",
        "SELECT path, begin_snapshot, end_snapshot FROM ducklake_data_file ORDER BY data_file_id"
      ).filter { $0[0] == "year=2024/part-0.parquet" }.map { $0[2] != nil },
      [true, false], "the old version ends, the new one begins")
    XCTAssertNotEqual(
      try rows(
        store, "lake", "SELECT data_file_id FROM ducklake_data_file WHERE end_snapshot IS NULL"),
      firstIDs)

    try store.deleteObject(bucket: "lake", key: "sales/year=2025/part-0.parquet")
    try wait(store)
    XCTAssertEqual(try liveFiles(store, "sales"), ["year=2024/part-0.parquet"])
    let changes = try rows(
      store, "lake", "SELECT changes_made FROM ducklake_snapshot_changes ORDER BY snapshot_id")
    XCTAssertEqual(changes.last, ["deleted_from_table:1"])

    try store.deleteObject(bucket: "lake", key: "sales/year=2024/part-0.parquet")
    try wait(store)
    XCTAssertEqual(
      try rows(store, "lake", "SELECT count(*) FROM ducklake_table WHERE end_snapshot IS NULL"),
      [["0"]], "a dataset without files has no table")
    XCTAssertEqual(
      try rows(store, "lake", "SELECT changes_made FROM ducklake_snapshot_changes").last,
      ["dropped_table:1"])
  }

  func test_files_that_do_not_fit_are_left_out_and_reported() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    let typed = try fixture("typed")
    try put(store, "lake", "sales/year=2024/a.parquet", typed)
    try put(store, "lake", "sales/year=2024/b.parquet", typed)
    try put(store, "lake", "sales/year=2024/other.parquet", try fixture("nostats"))
    try put(store, "lake", "sales/year=2024/broken.parquet", Array("PAR1garbagePAR1".utf8))
    try put(store, "lake", "sales/year=2024/nested.parquet", try fixture("nested"))
    try put(store, "lake", "sales/flat.parquet", typed)  // no year= folder
    try wait(store)

    XCTAssertEqual(
      try liveFiles(store, "sales"), ["year=2024/a.parquet", "year=2024/b.parquet"])
    let excluded = try rows(
      store, "lake", "SELECT key, reason FROM lakestore_excluded ORDER BY key")
    XCTAssertEqual(
      excluded.map { $0[0] },
      [
        "sales/flat.parquet", "sales/year=2024/broken.parquet", "sales/year=2024/nested.parquet",
        "sales/year=2024/other.parquet",
      ])
    let reasons = excluded.map { $0[1] ?? "" }
    XCTAssertTrue(reasons[0].contains("partition folders (), not (year)"), reasons[0])
    XCTAssertTrue(reasons[1].hasPrefix("not readable as Parquet"), reasons[1])
    XCTAssertTrue(reasons[2].hasPrefix("nested column"), reasons[2])
    XCTAssertTrue(reasons[3].contains("lacks column 'i32'"), reasons[3])

    // Once the odd files go, nothing is reported any more.
    for key in ["sales/flat.parquet", "sales/year=2024/other.parquet"] {
      try store.deleteObject(bucket: "lake", key: key)
    }
    try wait(store)
    XCTAssertEqual(try rows(store, "lake", "SELECT count(*) FROM lakestore_excluded"), [["2"]])
  }

  func test_a_restart_catches_up_and_an_unreadable_view_is_rebuilt() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let typed = try fixture("typed")
    var store = try reopen(directory)
    _ = try store.createBucket("lake")
    try put(store, "lake", "sales/year=2024/a.parquet", typed)
    try wait(store)
    store.close()

    // Changed while the view was not kept: the index catches up, then the view.
    var off = StoreOptions()
    off.indexing = false
    store = try reopen(directory, options: off)
    try put(store, "lake", "sales/year=2025/b.parquet", typed)
    store.close()
    store = try reopen(directory)
    try wait(store)
    XCTAssertEqual(
      try liveFiles(store, "sales"), ["year=2024/a.parquet", "year=2025/b.parquet"])
    XCTAssertEqual(
      try rows(store, "lake", "SELECT reflected_seq FROM lakestore_state"), [["2"]])
    store.close()

    // An unreadable file is rebuilt from the index.
    let path = directory.url(".lakestore/ducklake/lake.sqlite")
    try Data("not a database at all, just some bytes".utf8).write(to: URL(fileURLWithPath: path))
    store = try reopen(directory)
    try wait(store)
    XCTAssertEqual(
      try liveFiles(store, "sales"), ["year=2024/a.parquet", "year=2025/b.parquet"])
    store.close()
  }

  func test_table_names_follow_the_dataset_path() throws {
    XCTAssertEqual(DuckLakeTablePlan.tableName(for: "sales"), "sales")
    XCTAssertEqual(DuckLakeTablePlan.tableName(for: "logs/app"), "logs__app")
    XCTAssertEqual(DuckLakeTablePlan.tableName(for: ""), "_root")

    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    let typed = try fixture("typed")
    try put(store, "lake", "logs/app/a.parquet", typed)
    try wait(store)
    try put(store, "lake", "logs__app/a.parquet", typed)
    try wait(store)
    XCTAssertEqual(
      try rows(store, "lake", "SELECT key, reason FROM lakestore_excluded"),
      [["logs__app/a.parquet", "table name main.logs__app is taken by dataset 'logs/app'"]])
  }

  func test_the_table_keeps_its_layout_and_partition_types_follow_the_values() {
    func file(_ key: String, _ columns: [(String, String)], sequence: Int64) -> DuckLakeSourceFile {
      DuckLakeSourceFile(
        key: key, sequence: sequence, rowCount: 1, size: 10,
        columns: columns.map { LakeColumn(name: $0.0, type: $0.1) })
    }
    let narrow = [("a", "int64")]
    let wide = [("a", "int64"), ("b", "varchar")]
    let files = [
      file("t/d=2024-05-01/1.parquet", narrow, sequence: 1),
      file("t/d=2024-05-02/2.parquet", wide, sequence: 2),
      file("t/d=2024-05-03/3.parquet", wide, sequence: 3),
    ]
    let fresh = DuckLakeTablePlan(dataset: "t", files: files, current: nil)
    XCTAssertEqual(fresh.files.map(\.sequence), [2, 3], "most files share the wide layout")
    XCTAssertEqual(fresh.columns.map(\.type), ["int64", "varchar", "date"])
    let kept = DuckLakeTablePlan(
      dataset: "t", files: files,
      current: [.init(name: "a", type: "int64", isPartition: false)]
        + [.init(name: "d", type: "date", isPartition: true)])
    XCTAssertEqual(kept.files.map(\.sequence), [1], "the current layout wins while a file has it")

    XCTAssertEqual(DuckLakeTablePlan.partitionType(["05", "10"]), "int64")
    XCTAssertEqual(DuckLakeTablePlan.partitionType(["1.5", "2"]), "float64")
    XCTAssertEqual(DuckLakeTablePlan.partitionType(["2024-01-01 10:00:00.000000"]), "timestamp")
    XCTAssertEqual(DuckLakeTablePlan.partitionType(["2024-01-01T10:00:00+02:00"]), "varchar")
    XCTAssertEqual(DuckLakeTablePlan.partitionType(["eu", "05"]), "varchar")
  }

  func test_statistics_are_written_only_when_exact() {
    XCTAssertEqual(DuckLakeText.statistic(.integer(5), type: "int32"), "5")
    XCTAssertEqual(DuckLakeText.statistic(.integer(1), type: "boolean"), "true")
    XCTAssertEqual(DuckLakeText.statistic(.decimal(7), type: "decimal(10,2)"), "7.00")
    XCTAssertNil(DuckLakeText.statistic(.decimal(7), type: "decimal(20,4)"))
    XCTAssertNil(DuckLakeText.statistic(.decimal(1.5), type: "float64"), "NaN is not in bounds")
    XCTAssertEqual(
      DuckLakeText.statistic(.decimal(1.5), type: "float64", isPartition: true), "1.5")
    XCTAssertEqual(DuckLakeText.statistic(.date(0), type: "date"), "1970-01-01")
    XCTAssertEqual(
      DuckLakeText.statistic(.timestamp(1_000_001), type: "timestamptz"),
      "1970-01-01 00:00:01.000001+00")
    XCTAssertNil(DuckLakeText.statistic(.timestamp(0), type: "timestamp_ns"))
  }
}
