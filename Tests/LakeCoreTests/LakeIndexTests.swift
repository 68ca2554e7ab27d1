import Foundation
import LakeQuery
import XCTest

@testable import LakeCore

/// The data-lake indexer: it follows the change log, records each object's dataset, Hive
/// partition values and format, keeps dataset totals and partition-column types, and catches
/// up after a restart or after an upgrade from an older catalog.
final class LakeIndexTests: XCTestCase {
  private let csv = "id,amount\n1,10.5\n2,20\n"
  private let parquetMagic: [UInt8] = Array("PAR1".utf8) + [0, 0, 0, 0] + Array("PAR1".utf8)

  func test_objects_are_indexed_with_their_dataset_partitions_and_format() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    try put(store, "lake", "sales/year=2024/month=05/part-0.csv", csv)
    try put(store, "lake", "sales/year=2024/month=06/part-0.parquet", parquetMagic)
    try put(store, "lake", "images/cat.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1])
    try put(store, "lake", "notes.txt", "just words\n")
    XCTAssertTrue(try store.waitForIndex(timeout: 30))

    let file = try XCTUnwrap(
      store.lakeFile(bucket: "lake", key: "sales/year=2024/month=05/part-0.csv"))
    XCTAssertEqual(file.path.dataset, "sales")
    XCTAssertEqual(
      file.path.partitions, [.init(name: "year", value: "2024"), .init(name: "month", value: "05")])
    XCTAssertEqual(file.format.format, .csv)
    XCTAssertEqual(file.size, Int64(csv.utf8.count))
    XCTAssertEqual(file.status, .indexed)
    XCTAssertEqual(file.rowCount, 2)
    XCTAssertEqual(
      file.columns,
      [
        LakeColumn(name: "id", type: "integer", min: .integer(1), max: .integer(2), nullCount: 0),
        LakeColumn(
          name: "amount", type: "decimal", min: .decimal(10.5), max: .decimal(20), nullCount: 0),
      ])
    XCTAssertEqual(
      try store.lakeFile(bucket: "lake", key: "sales/year=2024/month=06/part-0.parquet")?.format
        .format, .parquet)
    let image = try XCTUnwrap(store.lakeFile(bucket: "lake", key: "images/cat.png"))
    XCTAssertEqual(image.status, .unstructured)
    XCTAssertEqual(image.format.contentType, "image/png")
    XCTAssertEqual(image.path.dataset, "images")
    XCTAssertEqual(try store.lakeFile(bucket: "lake", key: "notes.txt")?.path.dataset, "")

    let datasets = try store.lakeDatasets(bucket: "lake")
    XCTAssertEqual(datasets.map(\.name), ["", "images", "sales"])
    let sales = try XCTUnwrap(datasets.last)
    XCTAssertEqual(sales.files, 2)
    XCTAssertEqual(sales.bytes, Int64(csv.utf8.count + parquetMagic.count))
    XCTAssertEqual(sales.rows, 2)
    XCTAssertEqual(
      sales.partitionColumns,
      [
        PartitionColumn(name: "year", type: .integer, files: 2, nulls: 0),
        PartitionColumn(name: "month", type: .integer, files: 2, nulls: 0),
      ])
  }

  /// Overwrites and deletes move the totals and the partition columns' types both ways; the
  /// last file of a dataset takes the dataset with it.
  func test_overwrites_and_deletes_keep_totals_and_partition_types_exact() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    try put(store, "lake", "t/day=2024-05-01/a.csv", csv)
    try put(store, "lake", "t/day=2024-05-02/a.csv", csv)
    try put(store, "lake", "t/day=latest/a.csv", csv)
    try put(store, "lake", "t/day=__HIVE_DEFAULT_PARTITION__/a.csv", csv)
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    var table = try XCTUnwrap(store.lakeDatasets(bucket: "lake").first)
    XCTAssertEqual(table.files, 4)
    XCTAssertEqual(
      table.partitionColumns, [PartitionColumn(name: "day", type: .string, files: 4, nulls: 1)])

    try store.deleteObject(bucket: "lake", key: "t/day=latest/a.csv")
    try put(store, "lake", "t/day=2024-05-02/a.csv", "x,y\n1,2\n3,4\n5,6\n")
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    table = try XCTUnwrap(store.lakeDatasets(bucket: "lake").first)
    XCTAssertEqual(table.files, 3)
    XCTAssertEqual(table.bytes, Int64(2 * csv.utf8.count + 16))
    XCTAssertEqual(
      table.partitionColumns, [PartitionColumn(name: "day", type: .date, files: 3, nulls: 1)])

    for day in ["2024-05-01", "2024-05-02", "__HIVE_DEFAULT_PARTITION__"] {
      try store.deleteObject(bucket: "lake", key: "t/day=\(day)/a.csv")
    }
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    XCTAssertEqual(try store.lakeDatasets(bucket: "lake"), [])
    XCTAssertNil(try store.lakeFile(bucket: "lake", key: "t/day=2024-05-01/a.csv"))
    let leftovers = try store.catalog.read { (connection) throws(LakeError) in
      try connection.scalar(
        """
        SELECT (SELECT count(*) FROM lake_files) + (SELECT count(*) FROM lake_partitions)
          + (SELECT count(*) FROM lake_partition_columns) + (SELECT count(*) FROM lake_datasets)
          + (SELECT count(*) FROM lake_partition_values) + (SELECT count(*) FROM lake_schemas)
        """)
    }
    XCTAssertEqual(leftovers, 0)
  }

  /// With indexing off nothing is recorded; the next start with it on catches up from the
  /// stored position, without any new write to wake it.
  func test_the_indexer_catches_up_after_a_restart() throws {
    var options = StoreOptions()
    options.indexing = false
    let (store, directory) = try makeStore(options: options)
    _ = try store.createBucket("lake")
    for index in 0..<600 {  // more than two batches
      try put(store, "lake", "logs/date=2024-05-\(10 + index % 20)/\(index).csv", csv)
    }
    XCTAssertFalse(try store.waitForIndex(timeout: 1))
    XCTAssertNil(try store.lakeFile(bucket: "lake", key: "logs/date=2024-05-10/0.csv"))
    XCTAssertEqual(try store.indexedSequence(), 0)
    store.close()

    let reopened = try reopen(directory)
    defer { reopened.close() }
    XCTAssertTrue(try reopened.waitForIndex(timeout: 60))
    let logs = try XCTUnwrap(reopened.lakeDatasets(bucket: "lake").first)
    XCTAssertEqual(logs.files, 600)
    XCTAssertEqual(logs.partitionColumns.first?.type, .date)
    XCTAssertEqual(try reopened.indexedSequence(), 600)  // one change per put
  }

  /// One batch of puts, overwrites and deletes records each key's current version: the rows
  /// the batch reads together go to the right keys, whatever the deletes between them.
  func test_a_batch_of_puts_and_deletes_records_each_current_version() throws {
    var options = StoreOptions()
    options.indexing = false
    let (store, _) = try makeStore(options: options)
    defer { store.close() }
    _ = try store.createBucket("lake")
    try put(store, "lake", "t/a.csv", "x\n1\n")
    try put(store, "lake", "t/b.csv", "x\n1\n2\n")
    try store.deleteObject(bucket: "lake", key: "t/a.csv")
    try put(store, "lake", "t/c.csv", "x\n1\n2\n3\n")
    try put(store, "lake", "t/b.csv", "x\n1\n2\n3\n4\n")
    try store.deleteObject(bucket: "lake", key: "t/d.csv")
    try put(store, "lake", "t/e.csv", "x\n5\n")
    XCTAssertEqual(try store.indexNextBatch(), 6)  // deleting a missing key changes nothing
    XCTAssertNil(try store.lakeFile(bucket: "lake", key: "t/a.csv"))
    XCTAssertEqual(try store.lakeFile(bucket: "lake", key: "t/b.csv")?.rowCount, 4)
    XCTAssertEqual(try store.lakeFile(bucket: "lake", key: "t/c.csv")?.rowCount, 3)
    XCTAssertEqual(try store.lakeFile(bucket: "lake", key: "t/e.csv")?.rowCount, 1)
    XCTAssertEqual(try store.lakeDatasets(bucket: "lake").first?.files, 3)
  }

  /// A version the indexer read before a write replaced it is not recorded: a file deleted
  /// (or overwritten) while its batch was being read never shows in queries.
  func test_a_version_replaced_during_its_batch_is_not_recorded() throws {
    var options = StoreOptions()
    options.indexing = false
    let (store, _) = try makeStore(options: options)
    defer { store.close() }
    _ = try store.createBucket("lake")
    let kept = try put(store, "lake", "t/a.csv", csv)
    let gone = try put(store, "lake", "t/b.csv", csv)
    let changes = try store.catalog.changes(after: 0, limit: 10)
    XCTAssertEqual(changes.map(\.sequence), [kept.sequence, gone.sequence])
    let work = [kept, gone].map { (object) in
      IndexWork.record(
        LakeFileInfo(
          bucket: "lake", key: object.key, sequence: object.sequence,
          path: DatasetPath(key: object.key), size: object.size,
          format: FormatGuess(format: .csv, gzip: false, contentType: "text/csv"),
          status: .indexed, rowCount: 2))
    }
    try store.deleteObject(bucket: "lake", key: "t/b.csv")  // after the batch was read
    try store.catalog.applyIndex(work, through: changes[1])
    XCTAssertEqual(try store.lakeFile(bucket: "lake", key: "t/a.csv")?.sequence, kept.sequence)
    XCTAssertNil(try store.lakeFile(bucket: "lake", key: "t/b.csv"))
    XCTAssertEqual(try store.lakeDatasets(bucket: "lake").first?.files, 1)
    XCTAssertEqual(try store.indexNextBatch(), 1)
    XCTAssertNil(try store.lakeFile(bucket: "lake", key: "t/b.csv"))
    XCTAssertEqual(try store.lakeDatasets(bucket: "lake").first?.files, 1)
  }

  /// A wide table keeps every column, in order, with its own statistics (the columns are
  /// written several to a statement).
  func test_a_wide_table_records_every_column_in_order() throws {
    let (store, _) = try makeStore()
    defer { store.close() }
    _ = try store.createBucket("lake")
    let names = (0..<40).map { "c\($0)" }
    let rows = (0..<3).map { row in (0..<40).map { String($0 * 100 + row) } }
    let text =
      ([names] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    try put(store, "lake", "wide/part-0.csv", text)
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    let file = try XCTUnwrap(store.lakeFile(bucket: "lake", key: "wide/part-0.csv"))
    XCTAssertEqual(file.columns.map(\.name), names)
    for (index, column) in file.columns.enumerated() {
      XCTAssertEqual(column.type, "integer", column.name)
      XCTAssertEqual(column.min, .integer(Int64(index * 100)), column.name)
      XCTAssertEqual(column.max, .integer(Int64(index * 100 + 2)), column.name)
    }
  }

  /// A file that cannot be read is recorded as unparsed with the reason, and the indexer
  /// goes on with the next change.
  func test_an_unreadable_file_is_recorded_and_does_not_stop_the_indexer() throws {
    var options = StoreOptions()
    options.indexing = false
    let (store, directory) = try makeStore(options: options)
    _ = try store.createBucket("lake")
    try put(store, "lake", "a/gone.csv", csv)
    try put(store, "lake", "a/kept.csv", csv)
    store.close()
    try FileManager.default.removeItem(atPath: directory.url("lake/a/gone.csv"))
    let reopened = try reopen(directory)
    defer { reopened.close() }
    XCTAssertTrue(try reopened.waitForIndex(timeout: 30))
    let gone = try XCTUnwrap(reopened.lakeFile(bucket: "lake", key: "a/gone.csv"))
    XCTAssertEqual(gone.status, .unparsed)
    XCTAssertTrue(gone.reason?.contains("could not be read") == true, "\(gone)")
    XCTAssertEqual(try reopened.lakeFile(bucket: "lake", key: "a/kept.csv")?.format.format, .csv)
  }

  /// Structured files that do not parse are stored, served and catalogued as unparsed with
  /// the reason; JSON lines get their statistics too.
  func test_malformed_structured_files_are_catalogued_as_unparsed() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    let ragged = "a,b,c\n1,2,3\n4,5,6\n7,8\n"
    try put(store, "lake", "raw/ragged.csv", ragged)
    try put(store, "lake", "raw/events.jsonl", "{\"n\": 1, \"s\": \"x\"}\n{\"n\": 5}\n")
    try put(store, "lake", "raw/cut.jsonl", "{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3, \"s\": \"trunc")
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    let bad = try XCTUnwrap(store.lakeFile(bucket: "lake", key: "raw/ragged.csv"))
    XCTAssertEqual(bad.status, .unparsed)
    XCTAssertEqual(bad.reason, "line 4: a record has 2 fields, the header 3")
    XCTAssertEqual(try get(store, "lake", "raw/ragged.csv").1, Array(ragged.utf8))
    let events = try XCTUnwrap(store.lakeFile(bucket: "lake", key: "raw/events.jsonl"))
    XCTAssertEqual(events.status, .indexed)
    XCTAssertEqual(events.rowCount, 2)
    XCTAssertEqual(events.columns.map(\.type), ["integer", "string"])
    XCTAssertEqual(events.columns.last?.nullCount, 1)
    let cut = try XCTUnwrap(store.lakeFile(bucket: "lake", key: "raw/cut.jsonl"))
    XCTAssertEqual(cut.status, .unparsed)
    XCTAssertEqual(cut.reason, "line 3: a string is not closed")
    XCTAssertEqual(try store.lakeDatasets(bucket: "lake").first?.rows, 2)
  }

  /// A gzip-compressed CSV is inflated as it streams from disk and gets its statistics; the
  /// same file cut short is unparsed with the reason; a `.gz` of other text is unstructured.
  func test_gzip_compressed_csv_is_indexed_and_a_truncated_one_is_unparsed() throws {
    var text = "id,amount,day,note\n"
    for row in 1...3_000 {
      let note = row % 2 == 0 ? "\"a, \"\"quoted\"\" note\"" : ""
      text += "\(row),\(row % 100).25,2024-05-\(10 + row % 20),\(note)\n"
    }
    let compressed = try gzipped(Array(text.utf8))
    XCTAssertGreaterThan(compressed.count, 8192)  // read in chunks, not from the sniffed head
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    try put(store, "lake", "logs/day=1/part-0.csv.gz", compressed)
    try put(store, "lake", "logs/day=2/part-0.csv.gz", Array(compressed.dropLast(1000)))
    try put(store, "lake", "misc/notes.gz", try gzipped(Array("just words\n".utf8)))
    XCTAssertTrue(try store.waitForIndex(timeout: 30))

    let file = try XCTUnwrap(store.lakeFile(bucket: "lake", key: "logs/day=1/part-0.csv.gz"))
    XCTAssertEqual(file.status, .indexed, "\(file)")
    XCTAssertEqual(file.format.format, .csv)
    XCTAssertTrue(file.format.gzip)
    XCTAssertEqual(file.format.contentType, "application/gzip")
    XCTAssertEqual(file.size, Int64(compressed.count))
    XCTAssertEqual(file.rowCount, 3_000)
    XCTAssertEqual(
      file.columns,
      [
        LakeColumn(
          name: "id", type: "integer", min: .integer(1), max: .integer(3_000), nullCount: 0),
        LakeColumn(
          name: "amount", type: "decimal", min: .decimal(0.25), max: .decimal(99.25), nullCount: 0),
        LakeColumn(
          name: "day", type: "date", min: PartitionType.date.parse("2024-05-10"),
          max: PartitionType.date.parse("2024-05-29"), nullCount: 0),
        LakeColumn(
          name: "note", type: "string", min: .string("a, \"quoted\" note"),
          max: .string("a, \"quoted\" note"), nullCount: 1_500),
      ])

    let cut = try XCTUnwrap(store.lakeFile(bucket: "lake", key: "logs/day=2/part-0.csv.gz"))
    XCTAssertEqual(cut.status, .unparsed)
    XCTAssertEqual(cut.format.format, .csv)
    XCTAssertEqual(
      cut.reason,
      "the gzip stream ends early: member 1 is not finished after \(compressed.count - 1000) "
        + "compressed bytes")
    XCTAssertEqual(try store.lakeDatasets(bucket: "lake").first?.rows, 3_000)

    let notes = try XCTUnwrap(store.lakeFile(bucket: "lake", key: "misc/notes.gz"))
    XCTAssertEqual(notes.status, .unstructured)
    XCTAssertTrue(notes.format.gzip)
  }

  /// A Parquet file written by pyarrow: schema and statistics come from its footer (the
  /// figures are pyarrow's own reading of Tests/Fixtures/parquet/typed.parquet); the same
  /// file cut short is catalogued as unparsed.
  func test_parquet_files_are_indexed_from_their_footer() throws {
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures/parquet/typed.parquet")
    let bytes = try [UInt8](Data(contentsOf: fixture))
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    try put(store, "lake", "t/year=2024/typed.parquet", bytes)
    try put(store, "lake", "t/year=2025/cut.parquet", Array(bytes.dropLast(100)))
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    let file = try XCTUnwrap(store.lakeFile(bucket: "lake", key: "t/year=2024/typed.parquet"))
    XCTAssertEqual(file.status, .indexed, "\(file)")
    XCTAssertEqual(file.rowCount, 10)
    XCTAssertEqual(
      file.columns.map(\.name),
      ["i32", "i64", "f64", "s", "d", "ts_ms", "ts_us_utc", "dec", "flag"])
    XCTAssertEqual(
      file.columns.map(\.type),
      [
        "int32", "int64", "float64", "varchar", "date", "timestamp_ms", "timestamptz",
        "decimal(10,2)", "boolean",
      ])
    let byName = Dictionary(uniqueKeysWithValues: file.columns.map { ($0.name, $0) })
    XCTAssertEqual(
      byName["i32"],
      LakeColumn(
        name: "i32", type: "int32", min: .integer(-2_147_483_648), max: .integer(2_147_483_647),
        nullCount: 2))
    XCTAssertEqual(byName["s"]?.min, .string("apple"))
    XCTAssertEqual(byName["s"]?.max, .string("plum"))
    XCTAssertEqual(byName["s"]?.nullCount, 3)
    XCTAssertEqual(byName["d"]?.min, PartitionType.date.parse("2024-05-01"))
    XCTAssertEqual(byName["d"]?.max, PartitionType.date.parse("2025-04-26"))
    XCTAssertEqual(byName["ts_ms"]?.min, PartitionType.timestamp.parse("2024-01-01T12:30:15.123"))
    XCTAssertEqual(byName["dec"]?.min, .decimal(-99_999_999.99))
    XCTAssertEqual(byName["flag"]?.max, .integer(1))
    XCTAssertEqual(try store.lakeDatasets(bucket: "lake").first?.rows, 10)

    let cut = try XCTUnwrap(store.lakeFile(bucket: "lake", key: "t/year=2025/cut.parquet"))
    XCTAssertEqual(cut.status, .unparsed)
    XCTAssertEqual(cut.reason, "the file does not end with the Parquet magic PAR1")
  }

  /// A store whose bucket `lake` holds two CSV files of dataset `a`, both indexed.
  private func storeWithTwoIndexedFiles() throws -> (LakeStore, TemporaryDirectory) {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("lake")
    try put(store, "lake", "a/x=1/f.csv", csv)
    try put(store, "lake", "a/x=2/f.csv", csv)
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    return (store, directory)
  }

  /// The index is derived: a missing index database is rebuilt, and an index whose position
  /// is not a change the catalog has (a catalog restored from an older copy) starts over.
  func test_a_lost_or_foreign_index_is_rebuilt_from_the_catalog() throws {
    let (store, directory) = try storeWithTwoIndexedFiles()
    store.close()
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: directory.url(".lakestore/index.db" + suffix))
    }
    var reopened = try reopen(directory)
    XCTAssertTrue(try reopened.waitForIndex(timeout: 30))
    XCTAssertEqual(try reopened.lakeDatasets(bucket: "lake").first?.files, 2)
    reopened.close()

    // The catalog's last change now names another key: the index's position is foreign.
    let catalog = try SQLiteConnection(
      path: directory.url(".lakestore/catalog.db"), readOnly: false, counters: CatalogCounters())
    try catalog.execute("UPDATE changes SET key = 'a/x=9/g.csv' WHERE seq = 2")
    catalog.close()
    let index = try SQLiteConnection(
      path: directory.url(".lakestore/index.db"), readOnly: false, counters: CatalogCounters())
    try index.execute("UPDATE lake_datasets SET files = 42")
    index.close()
    reopened = try reopen(directory)
    defer { reopened.close() }
    XCTAssertTrue(try reopened.waitForIndex(timeout: 30))
    // Indexed again from the first change: a/x=1/f.csv is there, the renamed change's key
    // has no object.
    XCTAssertEqual(try reopened.lakeDatasets(bucket: "lake").first?.files, 1)
  }

  /// The indexer thread runs at its configured nice value, so requests get the CPU first.
  func test_the_indexer_thread_runs_at_its_nice_value() throws {
    func threads(withNice nice: Int) throws -> Int {
      try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").filter { task in
        guard
          let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
          let end = stat.lastIndex(of: ")")
        else { return false }
        // Fields after the command's closing parenthesis: state is field 3, nice field 19.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        return fields.count > 16 && Int(fields[16]) == nice
      }.count
    }
    XCTAssertEqual(try threads(withNice: 13), 0)
    var options = StoreOptions()
    options.indexNice = 13
    let (store, _) = try makeStore(options: options)
    _ = try store.createBucket("lake")
    try put(store, "lake", "a.csv", csv)
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    XCTAssertEqual(try threads(withNice: 13), 1)
  }

  /// A catalog of schema version 2 (issues 11-14's builds) gains the index tables, and the
  /// objects it already holds are indexed.
  func test_a_version_two_catalog_migrates_and_its_objects_are_indexed() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.createDirectory(
      atPath: directory.url(".lakestore/tmp"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      atPath: directory.url("old/m/region=eu"), withIntermediateDirectories: true)
    let bytes = Array(csv.utf8)
    _ = FileManager.default.createFile(
      atPath: directory.url("old/m/region=eu/f.csv"), contents: Data(bytes))
    let connection = try SQLiteConnection(
      path: directory.url(".lakestore/catalog.db"), readOnly: false, counters: CatalogCounters())
    try connection.execute(Catalog.migrations[0])
    try connection.execute(Catalog.migrations[1])
    try connection.execute(
      """
      PRAGMA user_version = 2;
      INSERT INTO buckets VALUES ('old', 1);
      INSERT INTO changes (bucket, key, op, size, etag, at_ms) VALUES ('old', 'm/region=eu/f.csv', 'put', \(bytes.count), '\(md5Hex(bytes))', 1);
      INSERT INTO objects (bucket, key, size, etag, modified_ms, storage_path, seq)
        VALUES ('old', 'm/region=eu/f.csv', \(bytes.count), '\(md5Hex(bytes))', 1, 'old/m/region=eu/f.csv', 1);
      """)
    connection.close()
    let store = try reopen(directory)
    defer { store.close() }
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    let file = try XCTUnwrap(store.lakeFile(bucket: "old", key: "m/region=eu/f.csv"))
    XCTAssertEqual(file.path.dataset, "m")
    XCTAssertEqual(file.format.format, .csv)
    XCTAssertEqual(file.sequence, 1)
    XCTAssertEqual(
      try store.lakeDatasets(bucket: "old").first?.partitionColumns.first?.type, .string)
  }

  /// Concurrent writers and the indexer: once it has caught up, the totals equal the
  /// catalog's own objects exactly.
  func test_concurrent_writes_leave_exact_totals() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    DispatchQueue.concurrentPerform(iterations: 8) { thread in
      for index in 0..<100 {
        let key = "c/part=\(index % 7)/\(thread)-\(index % 40).csv"
        if index % 9 == 8 {
          try? store.deleteObject(bucket: "lake", key: key)
        } else {
          _ = try? put(store, "lake", key, String(repeating: "a,b\n", count: 1 + index % 5))
        }
      }
    }
    XCTAssertTrue(try store.waitForIndex(timeout: 60))
    let expected = try store.catalog.read { (connection) throws(LakeError) in
      try connection.run("SELECT count(*), sum(size) FROM objects WHERE bucket = 'lake'") {
        (statement) throws(LakeError) in
        _ = try statement.step()
        return (statement.int64(0), statement.int64(1))
      }
    }
    let dataset = try XCTUnwrap(store.lakeDatasets(bucket: "lake").first)
    XCTAssertEqual(dataset.files, expected.0)
    XCTAssertEqual(dataset.bytes, expected.1)
    XCTAssertEqual(dataset.partitionColumns.first?.files, expected.0)
    let values = try XCTUnwrap(
      store.lakePartitionValues(bucket: "lake", dataset: "c", limit: 100).first)
    XCTAssertEqual(values.values.map(\.value), (0..<7).map { String($0) })
    XCTAssertEqual(values.values.reduce(0) { $0 + $1.files }, expected.0)
    XCTAssertEqual(values.values.reduce(0) { $0 + $1.bytes }, expected.1)
    XCTAssertEqual(
      try store.lakeSchemas(bucket: "lake", dataset: "c").reduce(0) { $0 + $1.files }, expected.0)
    // Each key's record is of its current version, however the indexer's reads interleaved
    // with the writes.
    let current = try store.catalog.read { (connection) throws(LakeError) in
      try connection.run("SELECT key, seq, size FROM objects WHERE bucket = 'lake'") {
        (statement) throws(LakeError) in
        var rows: [(String, Int64, Int64)] = []
        while try statement.step() {
          rows.append((statement.text(0), statement.int64(1), statement.int64(2)))
        }
        return rows
      }
    }
    for (key, sequence, size) in current {
      let file = try XCTUnwrap(store.lakeFile(bucket: "lake", key: key), key)
      XCTAssertEqual(file.sequence, sequence, key)
      XCTAssertEqual(file.size, size, key)
      XCTAssertEqual(file.rowCount, size / 4 - 1, key)
    }
  }

  /// Partition values list in their column's order (numbers by value, Hive's null last) a
  /// page at a time, and an index of the first schema gains the value and schema tallies
  /// from the rows it holds when it migrates.
  func test_partition_values_page_in_order_and_the_index_migrates_from_each_version() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("lake")
    for hour in [10, 9, 100, 2] {
      try put(store, "lake", "h/hour=\(hour)/a.csv", csv)
    }
    try put(store, "lake", "h/hour=__HIVE_DEFAULT_PARTITION__/a.csv", "a\n1\n")
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    func listed(_ store: LakeStore) throws -> [String?] {
      var values: [String?] = []
      var after: PartitionValueCursor?
      repeat {
        let page = try XCTUnwrap(
          store.lakePartitionValues(
            bucket: "lake", dataset: "h", column: "hour", after: after, limit: 2
          ).first)
        values += page.values.map(\.value)
        after = page.next
      } while after != nil
      return values
    }
    XCTAssertEqual(try listed(store), ["2", "9", "10", "100", nil])
    let before = try store.lakePartitionValues(bucket: "lake", dataset: "h", limit: 10)
    let schemas = try store.lakeSchemas(bucket: "lake", dataset: "h")
    XCTAssertEqual(schemas.map(\.files), [4, 1])
    XCTAssertEqual(schemas.first?.columns.map(\.name), ["id", "amount"])
    func found(_ store: LakeStore, _ filter: String) throws -> [String] {
      try store.lakeQuery(
        bucket: "lake", LakeQuery(dataset: "h", filter: LakeFilter(parsing: filter)), limit: 10,
        columns: false
      ).matches.map(\.file.key)
    }
    let hundred = try found(store, "hour >= 100")
    XCTAssertEqual(hundred, ["h/hour=100/a.csv"])
    store.close()

    // Back to each earlier version's shape, then migrated forward on the next open.
    for version in [1, 2, 3] {
      let index = try SQLiteConnection(
        path: directory.url(".lakestore/index.db"), readOnly: false,
        counters: CatalogCounters())
      // Version 3 differs in a constraint only (copied by 4); version 2 had two partition
      // indexes, and `typed` only for values that parse.
      try index.execute(
        version == 3
          ? "PRAGMA user_version = 3;"
          : """
          DROP INDEX lake_partitions_by_sort;
          ALTER TABLE lake_partitions RENAME COLUMN sort TO typed;
          UPDATE lake_partitions SET typed = NULL WHERE typeof(typed) = 'text';
          CREATE INDEX lake_partitions_by_value ON lake_partitions (bucket, dataset, name, value);
          CREATE INDEX lake_partitions_by_typed ON lake_partitions (bucket, dataset, name, typed);
          PRAGMA user_version = 2;
          """)
      if version == 1 {
        try index.execute(
          "DROP TABLE lake_partition_values; DROP TABLE lake_schemas; PRAGMA user_version = 1;")
      }
      index.close()
      let reopened = try reopen(directory)
      XCTAssertEqual(
        try reopened.lakePartitionValues(bucket: "lake", dataset: "h", limit: 10), before)
      XCTAssertEqual(try reopened.lakeSchemas(bucket: "lake", dataset: "h"), schemas)
      XCTAssertEqual(try listed(reopened), ["2", "9", "10", "100", nil])
      XCTAssertEqual(try found(reopened, "hour >= 100"), hundred, "from version \(version)")
      XCTAssertEqual(
        try reopened.lakeFile(bucket: "lake", key: "h/hour=9/a.csv")?.status, .indexed)
      XCTAssertEqual(
        try found(reopened, "hour = 9 OR hour IS NULL"),
        ["h/hour=9/a.csv", "h/hour=__HIVE_DEFAULT_PARTITION__/a.csv"], "from version \(version)")
      reopened.close()
    }
  }

  /// The index is written without fsyncs; a marker from another boot (the machine went down
  /// with the index open) has it rebuilt, a clean close removes the marker, a crash of the
  /// process alone (same boot) keeps the index.
  func test_an_index_left_open_across_a_reboot_is_rebuilt() throws {
    let (store, directory) = try storeWithTwoIndexedFiles()
    let marker = directory.url(".lakestore/index.db.open")
    let boot = try XCTUnwrap(IndexOpenMarker.bootID())
    XCTAssertEqual(
      try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .newlines),
      boot)
    store.close()
    XCTAssertFalse(FileManager.default.fileExists(atPath: marker))

    func tamper() throws {
      let index = try SQLiteConnection(
        path: directory.url(".lakestore/index.db"), readOnly: false,
        counters: CatalogCounters())
      try index.execute("UPDATE lake_datasets SET files = 42")
      index.close()
    }
    // Same boot (the process died): the index is trusted as it is.
    try tamper()
    try (boot + "\n").write(toFile: marker, atomically: false, encoding: .utf8)
    var reopened = try reopen(directory)
    XCTAssertTrue(try reopened.waitForIndex(timeout: 30))
    XCTAssertEqual(try reopened.lakeDatasets(bucket: "lake").first?.files, 42)
    reopened.close()

    // Another boot: the index is rebuilt from the catalog and the files.
    try "another-boot\n".write(toFile: marker, atomically: false, encoding: .utf8)
    reopened = try reopen(directory)
    defer { reopened.close() }
    XCTAssertTrue(try reopened.waitForIndex(timeout: 30))
    XCTAssertEqual(try reopened.lakeDatasets(bucket: "lake").first?.files, 2)
  }
}
