import XCTest

@testable import LakeCore

/// A long-running server must not leak file descriptors on any path, including failures.
final class DescriptorLeakTests: XCTestCase {
  func testOperationsAndFailuresCloseTheirDescriptors() throws {
    // One reader connection, warmed up before the baseline: a pooled reader opens its WAL
    // descriptor on first use, which background readers (indexer, DuckLake views) would
    // otherwise do at any time.
    var options = StoreOptions()
    options.readerConnections = 1
    let (store, directory) = try makeStore(options: options)
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "warm/up", "x")  // let SQLite open its WAL and shm files
    _ = try listAll(store, "bkt")
    // The bucket's DuckLake view keeps its SQLite file open once written.
    XCTAssertTrue(try store.waitForDuckLake(timeout: 30))
    let baseline = try openDescriptorCount()

    for round in 0..<20 {
      try put(store, "bkt", "a/b/c/\(round)", "plain")
      try put(store, "bkt", "a//\(round)", "overflow")
      try put(store, "bkt", "f\(round)", "file")
      try put(store, "bkt", "f\(round)/g", "conflict")
      _ = try get(store, "bkt", "a/b/c/\(round)")
      XCTAssertThrowsError(try store.openObject(bucket: "bkt", key: "missing/\(round)"))
      XCTAssertThrowsError(
        try put(store, "bkt", "f\(round)", Array("x".utf8), condition: .ifNoneMatchAny))
      let writer = try store.makeWriter(bucket: "bkt", key: "aborted")
      writer.abort()
      try store.deleteObject(bucket: "bkt", key: "a/b/c/\(round)")
    }
    try FileManager.default.createSymbolicLink(
      atPath: directory.url("bkt/link"), withDestinationPath: "/")
    _ = try store.fsck(repair: true) { _ in }
    _ = try listAll(store, "bkt", delimiter: "/", pageSize: 3)
    XCTAssertTrue(try store.waitForDuckLake(timeout: 30))
    XCTAssertEqual(try openDescriptorCount(), baseline)
  }
}
