import XCTest

@testable import LakeCore

final class CatalogTests: XCTestCase {
  func testSchemaIsMigratedToTheLatestVersion() throws {
    let (store, _) = try makeStore()
    let version = try store.catalog.read { (connection) throws(LakeError) in
      try connection.scalar("PRAGMA user_version")
    }
    XCTAssertEqual(version, Int64(Catalog.schemaVersion))
    let mode = try store.catalog.read { (connection) throws(LakeError) in
      try connection.run("PRAGMA journal_mode") { (statement) throws(LakeError) in
        try statement.step() ? statement.text(0) : ""
      }
    }
    XCTAssertEqual(mode, "wal")
  }

  /// A catalog written by the first schema (issue 11's builds) opens with its rows intact,
  /// and an intent recorded before file identities existed is still settled (by MD5).
  func testVersionOneCatalogMigratesForward() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.createDirectory(
      atPath: directory.url(".lakestore/tmp"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      atPath: directory.url("old/dir"), withIntermediateDirectories: true)
    let bytes = Array("written by version 1".utf8)
    _ = FileManager.default.createFile(atPath: directory.url("old/dir/kept"), contents: Data(bytes))
    _ = FileManager.default.createFile(
      atPath: directory.url("old/dir/rolled"), contents: Data(bytes))
    let connection = try SQLiteConnection(
      path: directory.url(".lakestore/catalog.db"), readOnly: false, counters: CatalogCounters())
    try connection.execute(Catalog.migrations[0])
    try connection.execute(
      """
      PRAGMA user_version = 1;
      INSERT INTO buckets VALUES ('old', 1);
      INSERT INTO changes (bucket, key, op, size, etag, at_ms) VALUES ('old', 'dir/kept', 'put', 20, '\(md5Hex(bytes))', 1);
      INSERT INTO objects (bucket, key, size, etag, modified_ms, content_type, user_metadata, storage_path, seq)
        VALUES ('old', 'dir/kept', 20, '\(md5Hex(bytes))', 1, 'text/plain', '{"a":"b"}', 'old/dir/kept', 1);
      INSERT INTO intents (op, bucket, key, tmp_name, storage_path, size, etag, metadata, created_ms)
        VALUES ('put', 'old', 'dir/rolled', 'put-gone', 'old/dir/rolled', 20, '\(md5Hex(bytes))', '{"contentType":"text/csv","userMetadata":{}}', 1);
      """)
    connection.close()
    let store = try reopen(directory)
    defer { store.close() }
    let version = try store.catalog.read { (connection) throws(LakeError) in
      try connection.scalar("PRAGMA user_version")
    }
    XCTAssertEqual(version, Int64(Catalog.schemaVersion))
    let (kept, keptBytes) = try get(store, "old", "dir/kept")
    XCTAssertEqual(keptBytes, bytes)
    XCTAssertEqual(
      kept.metadata, ObjectMetadata(contentType: "text/plain", userMetadata: ["a": "b"]))
    let (rolled, rolledBytes) = try get(store, "old", "dir/rolled")
    XCTAssertEqual(rolledBytes, bytes)
    XCTAssertEqual(rolled.metadata.contentType, "text/csv")
    XCTAssertEqual(try store.catalog.intents().count, 0)
  }

  func testNewerSchemaIsRefused() throws {
    let directory = try TemporaryDirectory()
    try reopen(directory).close()
    let counters = CatalogCounters()
    let connection = try SQLiteConnection(
      path: directory.url(".lakestore/catalog.db"), readOnly: false, counters: counters)
    try connection.execute("PRAGMA user_version = \(Catalog.schemaVersion + 1)")
    connection.close()
    XCTAssertThrowsError(try reopen(directory)) { error in
      guard case LakeError.catalog(let message) = error else { return XCTFail("\(error)") }
      XCTAssertTrue(message.contains("newer"), message)
    }
  }

  /// A PUT waits for one WAL fsync, its intent's: the final transaction is redone from the
  /// intent after a crash, so it does not wait for the disk. Every other write still does.
  func testAPutWaitsForOneWALFsync() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    var before = store.catalogStatistics().walSyncs
    _ = try put(store, "bkt", "k", "bytes")
    XCTAssertEqual(store.catalogStatistics().walSyncs - before, 1)
    before = store.catalogStatistics().walSyncs
    try store.deleteObject(bucket: "bkt", key: "k")
    XCTAssertEqual(store.catalogStatistics().walSyncs - before, 2, "delete: intent and row")
  }

  func testAFailingWriteInABatchRollsBackAlone() throws {
    let (store, _) = try makeStore()
    let errors = Locked<[LakeError]>([])
    let holding = DispatchSemaphore(value: 0)
    let before = store.catalogStatistics().writeTransactions
    onThreads(9) { index in
      if index == 8 {
        // Lead a transaction and hold it until the 8 others are queued behind it, so they
        // are committed together as one batch.
        try? store.catalog.write { (_) throws(LakeError) in
          for _ in 0..<8 { holding.signal() }
          while store.catalog.pendingWriteCount < 8 { usleep(100) }
        }
        return
      }
      holding.wait()
      do {
        try store.catalog.write { (connection) throws(LakeError) in
          try connection.update("INSERT INTO buckets (name, created_ms) VALUES (?1, 0)") {
            (statement) throws(LakeError) in try statement.bind(1, "bucket-\(index)")
          }
          if index % 2 == 1 { throw LakeError.catalog("refused \(index)") }
        }
      } catch {
        errors.withLock { $0.append(error as? LakeError ?? .catalog("\(error)")) }
      }
    }
    XCTAssertEqual(errors.withLock { $0 }.count, 4)
    XCTAssertEqual(
      store.catalogStatistics().writeTransactions - before, 2, "one batch after the holder")
    XCTAssertEqual(
      try store.listBuckets().map(\.name), ["bucket-0", "bucket-2", "bucket-4", "bucket-6"])
  }

  func testKeysWithNulAndEmbeddedBytesRoundTrip() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    let keys = ["a\u{0}b", "a\u{0}", "\u{0}", "tab\there", "e\u{301}", "\u{10FFFF}"]
    for key in keys { try put(store, "bkt", key, Array(key.utf8)) }
    for key in keys {
      XCTAssertEqual(try store.objectInfo(bucket: "bkt", key: key).key, key)
      XCTAssertEqual(try get(store, "bkt", key).1, Array(key.utf8))
    }
    XCTAssertEqual(
      try listAll(store, "bkt").map(\.name),
      keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
  }
}
