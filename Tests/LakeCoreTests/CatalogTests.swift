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
