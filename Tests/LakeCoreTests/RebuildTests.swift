import Foundation
import XCTest

@testable import LakeCore

/// `LakeStore.rebuildCatalog`: after `catalog.db` is lost, a fresh catalog is built from the
/// bucket directories; the old files are moved aside, never deleted.
final class RebuildTests: XCTestCase {
  private func rebuild(_ directory: TemporaryDirectory, force: Bool = false) throws -> (
    LakeStore, FsckSummary, [RebuildEvent]
  ) {
    var events: [RebuildEvent] = []
    let (store, summary) = try LakeStore.rebuildCatalog(
      dataDirectory: directory.path, logger: quietLogger, force: force
    ) { events.append($0) }
    addTeardownBlock { store.close() }
    return (store, summary, events)
  }

  private func removeCatalog(_ directory: TemporaryDirectory) throws {
    for suffix in ["", "-wal", "-shm"]
    where fileExists(directory.url(".lakestore/catalog.db" + suffix)) {
      try FileManager.default.removeItem(atPath: directory.url(".lakestore/catalog.db" + suffix))
    }
  }

  /// A store with two buckets, objects at plain paths and one in the overflow area, an
  /// unfinished multipart upload, and a top-level directory that is not a bucket; closed.
  private func filledDirectory() throws -> (TemporaryDirectory, [String: String]) {
    let directory = try TemporaryDirectory()
    addTeardownBlock { directory.remove() }
    let store = try LakeStore(dataDirectory: directory.path, logger: quietLogger)
    _ = try store.createBucket("lake")
    _ = try store.createBucket("empty")
    let objects = [
      "sales/year=2024/month=05/part-0.csv": "id,amount\n1,10.5\n2,20\n",
      "sales/year=2024/month=06/part-0.csv": "id,amount\n3,30\n",
      "notes.txt": "words\n",
    ]
    for (key, text) in objects {
      try put(
        store, "lake", key, Array(text.utf8),
        metadata: ObjectMetadata(contentType: "x/custom", userMetadata: ["owner": "ana"]))
    }
    let overflowed = try put(store, "lake", "a//b", "not a plain path")
    XCTAssertTrue(overflowed.storagePath.hasPrefix(".lakestore/overflow/"))
    let upload = try store.createMultipartUpload(
      bucket: "lake", key: "big.bin", metadata: ObjectMetadata())
    let writer = try store.makePartWriter(
      for: store.multipartUpload(id: upload.id, bucket: upload.bucket, key: upload.key))
    try writer.write(Array("part one".utf8))
    _ = try store.commitPart(writer, uploadID: upload.id, number: 1)
    XCTAssertTrue(try store.waitForDuckLake(timeout: 30))
    store.close()
    try FileManager.default.createDirectory(
      atPath: directory.url("Not_A_Bucket"), withIntermediateDirectories: true)
    return (directory, objects)
  }

  func testALostCatalogIsRebuiltFromTheFiles() throws {
    let (directory, objects) = try filledDirectory()
    try removeCatalog(directory)

    let (store, summary, events) = try rebuild(directory)
    guard case .movedAside(let aside) = events.first else { return XCTFail("\(events)") }
    XCTAssertTrue(aside.hasPrefix(".lakestore/catalog.broken-"))
    XCTAssertTrue(fileExists(directory.url(aside + "/index.db")), "the old index is kept")
    XCTAssertTrue(fileExists(directory.url(aside + "/ducklake")), "and the DuckLake views")
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: directory.url(aside + "/uploads")).count,
      1, "the unfinished upload's directory is kept")
    XCTAssertTrue(events.contains(.bucket("lake")))
    XCTAssertTrue(events.contains(.bucket("empty")))
    XCTAssertTrue(
      events.contains(
        .notABucket(
          name: "Not_A_Bucket",
          reason: "invalid bucket name: may contain only lowercase letters, digits, '.' and '-'"
        )))
    XCTAssertEqual(summary.adopted, objects.count)

    XCTAssertGreaterThan(
      try store.changes(bucket: "lake", after: 0, limit: 1).first?.sequence ?? 0,
      Milliseconds.now() * 1000 - 60_000_000,
      "sequence numbers go on above any the lost catalog gave out")
    XCTAssertEqual(try store.listBuckets().map(\.name), ["empty", "lake"])
    XCTAssertEqual(try listAll(store, "lake").map(\.name), objects.keys.sorted())
    for (key, text) in objects {
      let (info, bytes) = try get(store, "lake", key)
      XCTAssertEqual(bytes, Array(text.utf8))
      XCTAssertEqual(info.etag, md5Hex(Array(text.utf8)))
      XCTAssertEqual(info.metadata.userMetadata, [:], "metadata only the catalog held is lost")
    }
    XCTAssertEqual(
      try store.objectInfo(bucket: "lake", key: "notes.txt").metadata.contentType, "text/plain")
    // The overflow object has no key to recover: it is kept in lost+found.
    let moved = try XCTUnwrap(
      events.compactMap { event -> String? in
        guard case .finding(let finding) = event, case .movedTo(let path) = finding.repair
        else { return nil }
        return path
      }.first)
    XCTAssertTrue(moved.hasPrefix(".lakestore/lost+found/.lakestore/overflow/lake/"))
    XCTAssertEqual(fileBytes(directory.url(moved)), Array("not a plain path".utf8))
    XCTAssertEqual(try store.multipartUploads(initiatedBefore: Date(), limit: 10).count, 0)

    XCTAssertTrue(try store.waitForDuckLake(timeout: 30))
    XCTAssertTrue(fileExists(directory.url(".lakestore/ducklake/lake.sqlite")), "a new view")
    XCTAssertEqual(
      try store.lakeFile(bucket: "lake", key: "sales/year=2024/month=05/part-0.csv")?.rowCount, 2)
    XCTAssertEqual(try store.lakeDatasets(bucket: "lake").first { $0.name == "sales" }?.rows, 3)
    var clean: [FsckFinding] = []
    let check = try store.fsck(FsckOptions(statistics: true)) { clean.append($0) }
    XCTAssertEqual(
      clean, [.init(problem: .unknownTopLevelEntry(name: "Not_A_Bucket"), repair: .none)])
    XCTAssertEqual(check.statisticsChecked, objects.count)
  }

  func testARebuildRefusesAReadableCatalogUnlessForced() throws {
    let (directory, objects) = try filledDirectory()
    XCTAssertThrowsError(try rebuild(directory)) { error in
      guard case .catalog(let message) = error as? LakeError else { return XCTFail("\(error)") }
      XCTAssertTrue(message.contains("readable (4 objects)"), message)
    }
    let store = try reopen(directory)
    XCTAssertEqual(try listAll(store, "lake").count, 4, "the refused rebuild changed nothing")
    store.close()

    let (rebuilt, _, events) = try rebuild(directory, force: true)
    guard case .movedAside(let aside) = events.first else { return XCTFail("\(events)") }
    XCTAssertTrue(fileExists(directory.url(aside + "/catalog.db")), "moved aside, not deleted")
    XCTAssertEqual(try listAll(rebuilt, "lake").map(\.name), objects.keys.sorted())
  }

  func testADamagedCatalogIsRebuiltWithoutForce() throws {
    let (directory, objects) = try filledDirectory()
    try removeCatalog(directory)
    try Data(repeating: 0x5A, count: 8192).write(
      to: URL(fileURLWithPath: directory.url(".lakestore/catalog.db")))
    XCTAssertThrowsError(try reopen(directory), "the damaged catalog does not open")
    let (store, _, events) = try rebuild(directory)
    guard case .movedAside(let aside) = events.first else { return XCTFail("\(events)") }
    XCTAssertEqual(
      fileBytes(directory.url(aside + "/catalog.db")), [UInt8](repeating: 0x5A, count: 8192))
    XCTAssertEqual(try listAll(store, "lake").map(\.name), objects.keys.sorted())
  }
}
