import XCTest

@testable import LakeCore

final class KeyPathMappingTests: XCTestCase {
  private let long255 = String(repeating: "s", count: 255)
  private let long256 = String(repeating: "s", count: 256)

  func testClassificationTable() {
    let plain = [
      "a", "a/b/c.txt", "year=2024/month=05/x.parquet", "é/😀.txt", ".lakestore/x", "a/.hidden",
      "...", "a/.../b", "a/\u{301}b", "with space", "a\\b", "long/\(long255)", "..a", "a..",
    ]
    for key in plain {
      XCTAssertNotNil(PathComponents.plainComponents(ofKey: key), "\(key) should be plain")
    }
    let overflow = [
      "a/../b", "../x", "/abs", "a//b", "x/", ".", "..", "a/./b", "a/..", "/", "//",
      "long/\(long256)", "a\u{0}b",
    ]
    for key in overflow {
      XCTAssertNil(PathComponents.plainComponents(ofKey: key), "\(key) should overflow")
    }
    XCTAssertEqual(PathComponents.plainComponents(ofKey: "a/\u{301}b"), ["a", "\u{301}b"])
  }

  func testPlainKeysAreFilesAtTheirPathAndOthersOverflow() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let plain = [
      "a", "dir/sub/file.txt", "year=2024/month=05/x.parquet", "é/😀.txt", ".lakestore/x",
      "long/\(long255)",
    ]
    for key in plain {
      let info = try put(store, "bkt", key, Array("bytes of \(key)".utf8))
      XCTAssertEqual(info.storagePath, "bkt/" + key)
      XCTAssertEqual(fileBytes(directory.url("bkt/" + key)), Array("bytes of \(key)".utf8), key)
    }
    let overflow = [
      "a/../b", "../x", "/abs", "a//b", "x/", "long/\(long256)", "nul\u{0}byte", ".", "..",
    ]
    for key in overflow {
      let info = try put(store, "bkt", key, Array("bytes of \(key)".utf8))
      XCTAssertTrue(
        info.storagePath.hasPrefix(".lakestore/overflow/bkt/"), "\(key): \(info.storagePath)")
      XCTAssertEqual(fileBytes(directory.url(info.storagePath)), Array("bytes of \(key)".utf8))
      XCTAssertEqual(try get(store, "bkt", key).1, Array("bytes of \(key)".utf8), key)
    }
    XCTAssertFalse(fileExists(directory.path + "/x"), "../x stays inside")
    XCTAssertFalse(fileExists("/abs"))
    XCTAssertFalse(fileExists(directory.url("b")))
    let listed = try listAll(store, "bkt").map(\.name)
    XCTAssertEqual(
      listed, (plain + overflow).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    )
  }

  func testFileThenDirectoryConflict() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    XCTAssertEqual(try put(store, "bkt", "f", "file").storagePath, "bkt/f")
    let nested = try put(store, "bkt", "f/g", "nested")
    XCTAssertTrue(nested.storagePath.hasPrefix(".lakestore/overflow/bkt/"))
    XCTAssertEqual(try get(store, "bkt", "f").1, Array("file".utf8))
    XCTAssertEqual(try get(store, "bkt", "f/g").1, Array("nested".utf8))
    XCTAssertEqual(fileBytes(directory.url("bkt/f")), Array("file".utf8))
  }

  func testDirectoryThenFileConflictAndMoveBackToPlain() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    XCTAssertEqual(try put(store, "bkt", "d/e", "inner").storagePath, "bkt/d/e")
    let outer = try put(store, "bkt", "d", "outer")
    XCTAssertTrue(outer.storagePath.hasPrefix(".lakestore/overflow/bkt/"))
    XCTAssertEqual(try get(store, "bkt", "d").1, Array("outer".utf8))
    XCTAssertEqual(try get(store, "bkt", "d/e").1, Array("inner".utf8))

    // Once the directory is gone, a new write of "d" lands on its plain path and the
    // overflow copy is removed.
    try store.deleteObject(bucket: "bkt", key: "d/e")
    XCTAssertFalse(fileExists(directory.url("bkt/d")))
    let moved = try put(store, "bkt", "d", "outer again")
    XCTAssertEqual(moved.storagePath, "bkt/d")
    XCTAssertFalse(fileExists(directory.url(outer.storagePath)))
    XCTAssertEqual(fileBytes(directory.url("bkt/d")), Array("outer again".utf8))
  }

  func testOverflowOverwriteRemovesOldOverflowFile() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let first = try put(store, "bkt", "x/", "marker")
    let second = try put(store, "bkt", "x/", "marker 2")
    XCTAssertNotEqual(first.storagePath, second.storagePath)
    XCTAssertFalse(fileExists(directory.url(first.storagePath)))
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: directory.url(".lakestore/overflow/bkt"))
        .count, 1)
    try store.deleteObject(bucket: "bkt", key: "x/")
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: directory.url(".lakestore/overflow/bkt")),
      [])
  }
}

extension KeyPathMappingTests {
  func testDeepKeyIsAPlainTreeAndIsPrunedOnDelete() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let key = Array(repeating: "d", count: 500).joined(separator: "/")  // 999 bytes, 500 levels
    XCTAssertEqual(try put(store, "bkt", key, "deep").storagePath, "bkt/" + key)
    XCTAssertEqual(try get(store, "bkt", key).1, Array("deep".utf8))
    XCTAssertTrue(try store.fsck(repair: false) { XCTFail("\($0)") }.isClean)
    try store.deleteObject(bucket: "bkt", key: key)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.url("bkt")), [])
  }
}

extension KeyPathMappingTests {
  func testFoldingFilesystemsSendEveryKeyToOverflow() throws {
    let (store, _) = try makeStore()
    XCTAssertTrue(store.layout.namesAreExact, "the test filesystem keeps names byte-exact")
    let folded = PlacementPlan(bucket: "bkt", key: "a/b", plainAllowed: false)
    XCTAssertNil(folded.fallbackPath)
    XCTAssertTrue(folded.preferredPath.hasPrefix(".lakestore/overflow/bkt/"))
    XCTAssertEqual(PlacementPlan(bucket: "bkt", key: "a/b").preferredPath, "bkt/a/b")
  }
}
