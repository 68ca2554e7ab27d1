import XCTest

@testable import LakeCore

final class BucketTests: XCTestCase {
  func testCreateListInfoDelete() throws {
    let (store, directory) = try makeStore()
    XCTAssertTrue(try store.createBucket("beta"))
    XCTAssertTrue(try store.createBucket("alpha"))
    XCTAssertFalse(try store.createBucket("alpha"), "second create reports it already existed")
    XCTAssertEqual(try store.listBuckets().map(\.name), ["alpha", "beta"])

    var isDirectory: ObjCBool = false
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: directory.url("alpha"), isDirectory: &isDirectory))
    XCTAssertTrue(isDirectory.boolValue)

    let info = try store.bucketInfo("alpha")
    XCTAssertEqual(info.name, "alpha")
    XCTAssertLessThan(abs(info.creationDate.timeIntervalSinceNow), 60)

    try store.deleteBucket("alpha")
    XCTAssertEqual(try store.listBuckets().map(\.name), ["beta"])
    XCTAssertFalse(fileExists(directory.url("alpha")))
    XCTAssertThrowsError(try store.bucketInfo("alpha")) {
      XCTAssertEqual($0 as? LakeError, .noSuchBucket("alpha"))
    }
  }

  func testDeleteMissingBucket() throws {
    let (store, _) = try makeStore()
    XCTAssertThrowsError(try store.deleteBucket("nope")) {
      XCTAssertEqual($0 as? LakeError, .noSuchBucket("nope"))
    }
  }

  func testDeleteNonEmptyBucketThenEmptyIt() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("data")
    try put(store, "data", "year=2024/month=05/x.parquet", "rows")
    try put(store, "data", "a//b", "overflow")
    XCTAssertThrowsError(try store.deleteBucket("data")) {
      XCTAssertEqual($0 as? LakeError, .bucketNotEmpty("data"))
    }
    try store.deleteObject(bucket: "data", key: "year=2024/month=05/x.parquet")
    XCTAssertThrowsError(try store.deleteBucket("data"))
    try store.deleteObject(bucket: "data", key: "a//b")
    try store.deleteBucket("data")
    XCTAssertFalse(fileExists(directory.url("data")))
    XCTAssertFalse(fileExists(directory.url(".lakestore/overflow/data")))
  }

  func testObjectCallsOnMissingBucket() throws {
    let (store, _) = try makeStore()
    XCTAssertThrowsError(try store.makeWriter(bucket: "none", key: "k")) {
      XCTAssertEqual($0 as? LakeError, .noSuchBucket("none"))
    }
    XCTAssertThrowsError(try store.objectInfo(bucket: "none", key: "k")) {
      XCTAssertEqual($0 as? LakeError, .noSuchBucket("none"))
    }
    XCTAssertThrowsError(try store.deleteObject(bucket: "none", key: "k")) {
      XCTAssertEqual($0 as? LakeError, .noSuchBucket("none"))
    }
    XCTAssertThrowsError(
      try store.listObjects(bucket: "none", prefix: "", delimiter: nil, after: nil, maxKeys: 10)
    ) { XCTAssertEqual($0 as? LakeError, .noSuchBucket("none")) }
  }

  func testBucketDeletedWhileWriterOpen() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("gone")
    let writer = try store.makeWriter(bucket: "gone", key: "k")
    try writer.write(Array("x".utf8))
    try store.deleteBucket("gone")
    XCTAssertThrowsError(try store.commit(writer, metadata: ObjectMetadata())) {
      XCTAssertEqual($0 as? LakeError, .noSuchBucket("gone"))
    }
  }

  func testBucketsSurviveReopen() throws {
    let directory = try TemporaryDirectory()
    do {
      let store = try reopen(directory)
      _ = try store.createBucket("kept")
      store.close()
    }
    let store = try reopen(directory)
    XCTAssertEqual(try store.listBuckets().map(\.name), ["kept"])
  }
}
