import XCTest

@testable import LakeCore

/// Symlinks planted inside the data tree must never lead a read or write outside it.
final class SymlinkSafetyTests: XCTestCase {
  private func outsideDirectory() throws -> TemporaryDirectory {
    let outside = try TemporaryDirectory()
    try Data("secret".utf8).write(to: URL(fileURLWithPath: outside.url("secret")))
    return outside
  }

  private func outsideIsUntouched(_ outside: TemporaryDirectory) throws {
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside.path), ["secret"])
    XCTAssertEqual(fileBytes(outside.url("secret")), Array("secret".utf8))
  }

  func testDirectorySymlinkInBucketIsNotFollowedOnWrite() throws {
    let (store, directory) = try makeStore()
    let outside = try outsideDirectory()
    _ = try store.createBucket("bkt")
    try FileManager.default.createSymbolicLink(
      atPath: directory.url("bkt/evil"), withDestinationPath: outside.path)
    let info = try put(store, "bkt", "evil/x", "payload")
    XCTAssertTrue(info.storagePath.hasPrefix(".lakestore/overflow/"), info.storagePath)
    XCTAssertEqual(try get(store, "bkt", "evil/x").1, Array("payload".utf8))
    try put(store, "bkt", "evil/secret", "overwrite attempt")
    try outsideIsUntouched(outside)
  }

  func testNestedSymlinkIsNotFollowed() throws {
    let (store, directory) = try makeStore()
    let outside = try outsideDirectory()
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "a/keep", "k")
    try FileManager.default.createSymbolicLink(
      atPath: directory.url("bkt/a/b"), withDestinationPath: outside.path)
    try put(store, "bkt", "a/b/c/d", "payload")
    try outsideIsUntouched(outside)
    XCTAssertEqual(try get(store, "bkt", "a/b/c/d").1, Array("payload".utf8))
  }

  func testFileSymlinkIsReplacedNotWrittenThrough() throws {
    let (store, directory) = try makeStore()
    let outside = try outsideDirectory()
    _ = try store.createBucket("bkt")
    try FileManager.default.createSymbolicLink(
      atPath: directory.url("bkt/link"), withDestinationPath: outside.url("secret"))
    let info = try put(store, "bkt", "link", "mine")
    XCTAssertEqual(info.storagePath, "bkt/link")
    try outsideIsUntouched(outside)
    let attributes = try FileManager.default.attributesOfItem(atPath: directory.url("bkt/link"))
    XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeRegular)
  }

  func testReadRefusesASymlinkSwappedInForAnObject() throws {
    let (store, directory) = try makeStore()
    let outside = try outsideDirectory()
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "dir/obj", "object")
    try FileManager.default.removeItem(atPath: directory.url("bkt/dir/obj"))
    try FileManager.default.createSymbolicLink(
      atPath: directory.url("bkt/dir/obj"), withDestinationPath: outside.url("secret"))
    XCTAssertThrowsError(try store.openObject(bucket: "bkt", key: "dir/obj")) { error in
      guard case LakeError.io(_, _, let code) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(code, ELOOP)
    }
    // A parent directory swapped for a symlink is refused as well.
    try put(store, "bkt", "p/q", "q")
    try FileManager.default.removeItem(atPath: directory.url("bkt/p"))
    try FileManager.default.createSymbolicLink(
      atPath: directory.url("bkt/p"), withDestinationPath: outside.path)
    try Data("q".utf8).write(to: URL(fileURLWithPath: outside.url("q")))
    XCTAssertThrowsError(try store.openObject(bucket: "bkt", key: "p/q"))
  }

  func testBucketDirectorySymlinkIsNotFollowed() throws {
    let (store, directory) = try makeStore()
    let outside = try outsideDirectory()
    _ = try store.createBucket("bkt")
    try FileManager.default.removeItem(atPath: directory.url("bkt"))
    try FileManager.default.createSymbolicLink(
      atPath: directory.url("bkt"), withDestinationPath: outside.path)
    let info = try put(store, "bkt", "x", "payload")
    XCTAssertTrue(info.storagePath.hasPrefix(".lakestore/overflow/"), info.storagePath)
    try outsideIsUntouched(outside)
  }
}
