import XCTest

@testable import LakeCore

final class ObjectCacheTests: XCTestCase {
  func testRepeatedReadsOfAKeyAreAnsweredWithoutTheCatalog() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "year=2024/a.csv", "one")
    // Then the indexer and the DuckLake views query no more.
    XCTAssertTrue(try store.waitForDuckLake(timeout: 30))
    _ = try get(store, "bkt", "year=2024/a.csv")
    let before = store.catalogStatistics().queries
    for _ in 0..<5 {
      let (info, bytes) = try get(store, "bkt", "year=2024/a.csv")
      XCTAssertEqual(bytes, Array("one".utf8))
      XCTAssertEqual(info.etag, md5Hex(bytes))
      XCTAssertEqual(try store.objectInfo(bucket: "bkt", key: "year=2024/a.csv"), info)
    }
    XCTAssertEqual(store.catalogStatistics().queries, before)
  }

  func testOverwriteAndDeleteAreSeenRightAfterCachedReads() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "k", "old")
    _ = try get(store, "bkt", "k")
    _ = try store.objectInfo(bucket: "bkt", key: "k")

    let written = try put(store, "bkt", "k", "newer bytes")
    let (info, bytes) = try get(store, "bkt", "k")
    XCTAssertEqual(bytes, Array("newer bytes".utf8))
    XCTAssertEqual(info, written)
    XCTAssertEqual(try store.objectInfo(bucket: "bkt", key: "k"), written)

    try store.deleteObject(bucket: "bkt", key: "k")
    XCTAssertThrowsError(try store.openObject(bucket: "bkt", key: "k")) {
      XCTAssertEqual($0 as? LakeError, .noSuchKey(bucket: "bkt", key: "k"))
    }
    XCTAssertThrowsError(try store.objectInfo(bucket: "bkt", key: "k")) {
      XCTAssertEqual($0 as? LakeError, .noSuchKey(bucket: "bkt", key: "k"))
    }
  }

  func testAFileChangedBehindTheStoresBackIsStillCaught() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "k", "four")
    _ = try get(store, "bkt", "k")
    try Data("longer now".utf8).write(to: URL(fileURLWithPath: directory.url("bkt/k")))
    XCTAssertThrowsError(try store.openObject(bucket: "bkt", key: "k")) { error in
      guard case .io = error as? LakeError else { return XCTFail("\(error)") }
    }
  }

  func testReplacedAndDeletedFilesAreClosedAtOnce() throws {
    // One reader connection: a pooled reader opens its WAL descriptor on first use, which
    // the background readers (indexer, DuckLake views) could otherwise do mid-count.
    var options = StoreOptions()
    options.readerConnections = 1
    let (store, directory) = try makeStore(options: options)
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "a", "first")
    _ = try get(store, "bkt", "a")
    XCTAssertEqual(store.objectCache.openDescriptors, 1)
    XCTAssertTrue(try store.waitForDuckLake(timeout: 30))  // its view's file stays open
    let before = try openDescriptorCount()
    try put(store, "bkt", "a", "second version")
    XCTAssertEqual(store.objectCache.openDescriptors, 0, "the replaced file is not held open")
    XCTAssertEqual(try openDescriptorCount(), before - 1)
    XCTAssertEqual(try get(store, "bkt", "a").1, Array("second version".utf8))
    XCTAssertEqual(store.objectCache.openDescriptors, 1)
    try store.deleteObject(bucket: "bkt", key: "a")
    XCTAssertEqual(store.objectCache.openDescriptors, 0, "a deleted file's space is freed")
    XCTAssertFalse(fileExists(directory.url("bkt/a")))
  }

  func testAtMostTheConfiguredNumberOfFilesStayOpen() throws {
    var options = StoreOptions()
    options.objectCacheDescriptors = 2
    let (store, _) = try makeStore(options: options)
    _ = try store.createBucket("bkt")
    for index in 0..<5 { try put(store, "bkt", "k\(index)", "value \(index)") }
    for _ in 0..<3 {
      for index in 0..<5 {
        XCTAssertEqual(try get(store, "bkt", "k\(index)").1, Array("value \(index)".utf8))
      }
    }
    XCTAssertEqual(store.objectCache.openDescriptors, 2)
  }

  func testCapacityZeroReadsTheCatalogEveryTime() throws {
    var options = StoreOptions()
    options.objectCacheEntries = 0
    let (store, _) = try makeStore(options: options)
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "k", "v")
    _ = try get(store, "bkt", "k")
    let before = store.catalogStatistics().queries
    _ = try get(store, "bkt", "k")
    XCTAssertGreaterThan(store.catalogStatistics().queries, before)
  }

  func testAFullCacheStaysBoundedAndCorrect() throws {
    let cache = ObjectInfoCache(capacity: 32, descriptorLimit: 0)
    for index in 0..<500 {
      let info = ObjectInfo(
        bucket: "b", key: "k\(index)", size: Int64(index), etag: "", lastModified: Date(),
        metadata: ObjectMetadata(), storagePath: "b/k\(index)", sequence: Int64(index))
      cache.store(info, descriptor: nil, version: 2)
    }
    let kept = (0..<500).filter { cache.lookup(bucket: "b", key: "k\($0)", version: 2) != nil }
    XCTAssertGreaterThan(kept.count, 0)
    XCTAssertLessThanOrEqual(kept.count, 48)
    XCTAssertNil(cache.lookup(bucket: "b", key: "k\(kept[0])", version: 4), "other version")
    XCTAssertNil(cache.lookup(bucket: "b", key: "k\(kept[0])", version: 2), "stale entry dropped")
  }
}
