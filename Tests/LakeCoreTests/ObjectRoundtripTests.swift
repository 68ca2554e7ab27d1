import XCTest

@testable import LakeCore

final class ObjectRoundtripTests: XCTestCase {
  func testPutGetRoundtripWithMetadataAndETag() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("photos")
    let metadata = ObjectMetadata(
      contentType: "text/plain", cacheControl: "max-age=60", contentDisposition: "inline",
      contentEncoding: "identity", contentLanguage: "en", expires: "Wed, 21 Oct 2026 07:28:00 GMT",
      userMetadata: ["owner": "ana", "trip": "lisbon"])
    let written = try put(
      store, "photos", "hello.txt", Array("hello world".utf8), metadata: metadata)
    XCTAssertEqual(written.etag, "5eb63bbbe01eeed093cb22bb8f5acdc3")
    XCTAssertEqual(written.size, 11)
    XCTAssertEqual(written.storagePath, "photos/hello.txt")
    XCTAssertLessThan(abs(written.lastModified.timeIntervalSinceNow), 60)

    let (info, bytes) = try get(store, "photos", "hello.txt")
    XCTAssertEqual(bytes, Array("hello world".utf8))
    XCTAssertEqual(info, written, "GET returns exactly the committed row")
    XCTAssertEqual(info.metadata, metadata)
    XCTAssertEqual(try store.objectInfo(bucket: "photos", key: "hello.txt"), written)
    XCTAssertEqual(fileBytes(directory.url("photos/hello.txt")), Array("hello world".utf8))
  }

  func testEmptyObjectAndKnownMD5() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("b-1")
    let info = try put(store, "b-1", "empty", [])
    XCTAssertEqual(info.etag, "d41d8cd98f00b204e9800998ecf8427e")
    XCTAssertEqual(try get(store, "b-1", "empty").1, [])
  }

  func testStreamedLargeObject() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("big")
    var generator = SystemRandomNumberGenerator()
    let chunk = (0..<(256 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let writer = try store.makeWriter(bucket: "big", key: "blob.bin")
    var all: [UInt8] = []
    for index in 0..<12 {
      let piece = Array(chunk[(index * 1000)...])
      try writer.write(piece)
      all += piece
    }
    XCTAssertEqual(writer.bytesWritten, Int64(all.count))
    let info = try store.commit(writer, metadata: ObjectMetadata())
    XCTAssertEqual(info.etag, md5Hex(all))
    XCTAssertEqual(try get(store, "big", "blob.bin").1, all)
  }

  func testOverwriteReplacesBytesAndMetadata() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("b-1")
    let first = try put(
      store, "b-1", "k", Array("one".utf8), metadata: ObjectMetadata(contentType: "a/b"))
    let second = try put(store, "b-1", "k", Array("second".utf8))
    XCTAssertGreaterThan(second.sequence, first.sequence)
    let (info, bytes) = try get(store, "b-1", "k")
    XCTAssertEqual(bytes, Array("second".utf8))
    XCTAssertEqual(info.etag, md5Hex(Array("second".utf8)))
    XCTAssertNil(info.metadata.contentType)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: directory.url(".lakestore/tmp")), [])
  }

  func testDigestMismatchStoresNothing() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("b-1")
    try put(store, "b-1", "k", "original")
    let writer = try store.makeWriter(bucket: "b-1", key: "k")
    try writer.write(Array("replacement".utf8))
    XCTAssertThrowsError(
      try store.commit(
        writer, metadata: ObjectMetadata(), expectedMD5: [UInt8](repeating: 0, count: 16))
    ) { XCTAssertEqual($0 as? LakeError, .digestMismatch) }
    XCTAssertEqual(try get(store, "b-1", "k").1, Array("original".utf8))
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: directory.url(".lakestore/tmp")), [])

    let good = try store.makeWriter(bucket: "b-1", key: "k")
    try good.write(Array("hello world".utf8))
    let md5: [UInt8] = [
      0x5e, 0xb6, 0x3b, 0xbb, 0xe0, 0x1e, 0xee, 0xd0, 0x93, 0xcb, 0x22, 0xbb, 0x8f, 0x5a, 0xcd,
      0xc3,
    ]
    XCTAssertEqual(
      try store.commit(good, metadata: ObjectMetadata(), expectedMD5: md5).etag,
      "5eb63bbbe01eeed093cb22bb8f5acdc3")
  }

  func testInvalidKeys() throws {
    var options = StoreOptions()
    options.maxKeyBytes = 16
    let (store, _) = try makeStore(options: options)
    _ = try store.createBucket("b-1")
    for key in ["", String(repeating: "x", count: 17), String(repeating: "é", count: 9)] {
      XCTAssertThrowsError(try store.makeWriter(bucket: "b-1", key: key)) { error in
        guard case LakeError.invalidKey = error else { return XCTFail("\(error)") }
      }
    }
    XCTAssertNoThrow(try put(store, "b-1", String(repeating: "é", count: 8), "16 bytes of key"))
  }

  func testAbortAndDroppedWritersLeaveNothing() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("b-1")
    let tmp = directory.url(".lakestore/tmp")
    let writer = try store.makeWriter(bucket: "b-1", key: "k")
    try writer.write(Array("partial".utf8))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp).count, 1)
    writer.abort()
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp), [])
    XCTAssertThrowsError(try writer.write(Array("more".utf8)))
    do {
      let dropped = try store.makeWriter(bucket: "b-1", key: "k")
      try dropped.write(Array("partial".utf8))
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp), [])
    XCTAssertThrowsError(try store.objectInfo(bucket: "b-1", key: "k")) {
      XCTAssertEqual($0 as? LakeError, .noSuchKey(bucket: "b-1", key: "k"))
    }
  }

  func testDeleteIsIdempotentAndPrunesEmptyDirectories() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("b-1")
    try put(store, "b-1", "a/b/c/one", "1")
    try put(store, "b-1", "a/two", "2")
    try store.deleteObject(bucket: "b-1", key: "a/b/c/one")
    XCTAssertFalse(fileExists(directory.url("b-1/a/b")), "empty parents are removed")
    XCTAssertTrue(fileExists(directory.url("b-1/a/two")))
    try store.deleteObject(bucket: "b-1", key: "a/two")
    XCTAssertFalse(fileExists(directory.url("b-1/a")))
    XCTAssertTrue(fileExists(directory.url("b-1")), "the bucket directory stays")
    XCTAssertNoThrow(try store.deleteObject(bucket: "b-1", key: "a/two"), "missing key is fine")
    XCTAssertThrowsError(try store.openObject(bucket: "b-1", key: "a/two")) {
      XCTAssertEqual($0 as? LakeError, .noSuchKey(bucket: "b-1", key: "a/two"))
    }
  }

  func testDeleteDuringOpenReadStillReadsFully() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("b-1")
    let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    try put(store, "b-1", "k", payload)
    let opened = try store.openObject(bucket: "b-1", key: "k")
    try store.deleteObject(bucket: "b-1", key: "k")
    try put(store, "b-1", "k", "new bytes")
    XCTAssertEqual(readAll(opened.descriptor), payload)
    XCTAssertEqual(opened.info.etag, md5Hex(payload))
  }

  func testOverwriteDuringOpenReadKeepsOldBytes() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("b-1")
    try put(store, "b-1", "k", "old contents")
    let opened = try store.openObject(bucket: "b-1", key: "k")
    try put(store, "b-1", "k", "new contents, longer")
    XCTAssertEqual(readAll(opened.descriptor), Array("old contents".utf8))
    XCTAssertEqual(try get(store, "b-1", "k").1, Array("new contents, longer".utf8))
  }

  func testSequenceNumbersGrowAndChangesAreLogged() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("b-1")
    let one = try put(store, "b-1", "x", "1")
    let two = try put(store, "b-1", "y", "2")
    try store.deleteObject(bucket: "b-1", key: "x")
    let three = try put(store, "b-1", "x", "3")
    XCTAssertLessThan(one.sequence, two.sequence)
    XCTAssertLessThan(two.sequence, three.sequence)
    let changes = try store.catalog.read { (connection) throws(LakeError) -> [String] in
      try connection.run("SELECT seq, key, op FROM changes ORDER BY seq") {
        (statement) throws(LakeError) -> [String] in
        var rows: [String] = []
        while try statement.step() {
          rows.append("\(statement.int64(0)) \(statement.text(1)) \(statement.text(2))")
        }
        return rows
      }
    }
    XCTAssertEqual(
      changes,
      [
        "\(one.sequence) x put", "\(two.sequence) y put", "\(two.sequence + 1) x delete",
        "\(three.sequence) x put",
      ])
  }

  func testClosedStoreRefusesCalls() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("b-1")
    store.close()
    store.close()
    XCTAssertThrowsError(try store.listBuckets())
    XCTAssertThrowsError(try store.makeWriter(bucket: "b-1", key: "k"))
    let again = try reopen(directory)
    XCTAssertEqual(try again.listBuckets().map(\.name), ["b-1"])
  }

  func testSecondStoreOnSameDirectoryIsRefused() throws {
    let (_, directory) = try makeStore()
    XCTAssertThrowsError(try reopen(directory)) { error in
      guard case LakeError.io = error else { return XCTFail("\(error)") }
    }
  }
}
