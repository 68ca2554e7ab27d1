import Foundation
import XCTest

@testable import LakeCore

/// `fsck --adopt`: files copied into a bucket directory by hand become objects in place, with
/// the ETag a PUT of the same bytes gets, and are indexed like any PUT; files that cannot be
/// (unsafe names, keys that already have an object) are reported and left alone.
final class AdoptTests: XCTestCase {
  private let csv = "id,amount\n1,10.5\n2,20\n"

  private func fsck(_ store: LakeStore, _ options: FsckOptions) throws -> (
    [FsckFinding], FsckSummary
  ) {
    var findings: [FsckFinding] = []
    let summary = try store.fsck(options) { findings.append($0) }
    return (findings, summary)
  }

  private func write(_ bytes: [UInt8], at path: String) throws {
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  func testAHandCopiedFileBecomesAnObjectWithThePutETagAndIsIndexed() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("lake")
    let bytes = Array(csv.utf8)
    let reference = try put(store, "lake", "reference.csv", bytes)
    let key = "sales/year=2024/month=05/part-0.csv"
    try write(bytes, at: directory.url("lake/" + key))
    let before = try store.latestSequence()

    let (report, _) = try fsck(store, FsckOptions())
    XCTAssertEqual(report.map(\.problem), [.orphanFile(path: "lake/" + key)], "no --adopt: orphan")
    XCTAssertThrowsError(try store.objectInfo(bucket: "lake", key: key))

    let (adopted, summary) = try fsck(store, FsckOptions(adopt: true))
    XCTAssertEqual(
      adopted,
      [
        FsckFinding(
          problem: .orphanFile(path: "lake/" + key),
          repair: .adopted(bucket: "lake", key: key, etag: md5Hex(bytes)))
      ])
    XCTAssertEqual(summary.adopted, 1)
    XCTAssertEqual(summary.repaired, 1)
    let info = try store.objectInfo(bucket: "lake", key: key)
    XCTAssertEqual(info.etag, reference.etag, "the ETag a single PUT of the same bytes gets")
    XCTAssertEqual(info.size, Int64(bytes.count))
    XCTAssertEqual(info.storagePath, "lake/" + key)
    XCTAssertEqual(info.metadata.contentType, "text/csv")
    let status = try XCTUnwrap(
      FileManager.default.attributesOfItem(atPath: directory.url("lake/" + key))[
        .modificationDate] as? Date)
    XCTAssertEqual(
      info.lastModified.timeIntervalSince1970, status.timeIntervalSince1970, accuracy: 0.002,
      "last-modified is the file's")
    XCTAssertEqual(try get(store, "lake", key).1, bytes)
    let changes = try store.changes(bucket: "lake", after: before, limit: 10)
    XCTAssertEqual(changes.map(\.operation), [.put])
    XCTAssertEqual(changes.first?.key, key)
    XCTAssertEqual(changes.first?.etag, md5Hex(bytes))

    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    let file = try XCTUnwrap(store.lakeFile(bucket: "lake", key: key))
    XCTAssertEqual(file.status, .indexed)
    XCTAssertEqual(file.rowCount, 2)
    XCTAssertEqual(file.path.dataset, "sales")
    XCTAssertTrue(try fsck(store, FsckOptions(adopt: true)).1.isClean, "nothing left to adopt")
  }

  func testUnsafeNamesAndKeysWithObjectsAreReportedAndLeftAlone() throws {
    var options = StoreOptions()
    options.maxKeyBytes = 40
    let (store, directory) = try makeStore(options: options)
    _ = try store.createBucket("lake")
    // Key "d" gets a row stored in overflow (a directory "d" is in the way), then the
    // directory goes; a file copied to lake/d names a key that already has an object.
    try put(store, "lake", "d/f", "inner")
    let overflowed = try put(store, "lake", "d", "outer")
    XCTAssertTrue(overflowed.storagePath.hasPrefix(".lakestore/overflow/"))
    try store.deleteObject(bucket: "lake", key: "d/f")
    try write(Array("hand".utf8), at: directory.url("lake/d"))
    let long = String(repeating: "x", count: 41)
    try write(Array("long".utf8), at: directory.url("lake/" + long))
    try write(Array("fine".utf8), at: directory.url("lake/ok.txt"))
    try FileManager.default.createSymbolicLink(
      atPath: directory.url("lake/link.csv"), withDestinationPath: directory.url("lake/ok.txt"))
    try write(Array("stray".utf8), at: directory.url(".lakestore/overflow/lake/1234"))

    let (report, summary) = try fsck(store, FsckOptions(adopt: true))
    XCTAssertEqual(
      Set(report.map(\.problem)),
      [
        .orphanFile(path: "lake/ok.txt"),
        .unadoptableFile(
          path: "lake/d",
          reason: "the key already has an object, stored at \(overflowed.storagePath)"),
        .unadoptableFile(
          path: "lake/" + long,
          reason: "the key would be 41 bytes long; the limit is 40 (max_key_bytes)"),
        .unexpectedEntry(path: "lake/link.csv"),
        .orphanFile(path: ".lakestore/overflow/lake/1234"),
      ])
    XCTAssertEqual(summary.adopted, 1)
    XCTAssertEqual(
      report.filter { $0.repair != .none }.map(\.repair),
      [.adopted(bucket: "lake", key: "ok.txt", etag: md5Hex(Array("fine".utf8)))])
    XCTAssertEqual(try get(store, "lake", "d").1, Array("outer".utf8), "the row is untouched")
    XCTAssertEqual(try store.objectInfo(bucket: "lake", key: "d"), overflowed)
    XCTAssertEqual(fileBytes(directory.url("lake/d")), Array("hand".utf8), "the file too")
    XCTAssertEqual(fileBytes(directory.url("lake/" + long)), Array("long".utf8))
    XCTAssertThrowsError(try store.objectInfo(bucket: "lake", key: "link.csv"))

    // Adopt, then repair the rest: what could not be adopted goes to lost+found.
    let (repaired, _) = try fsck(store, FsckOptions(repair: true, adopt: true))
    XCTAssertEqual(
      Set(repaired.map(\.repair)),
      [
        .movedTo(".lakestore/lost+found/lake/d"), .movedTo(".lakestore/lost+found/lake/" + long),
        .movedTo(".lakestore/lost+found/lake/link.csv"),
        .movedTo(".lakestore/lost+found/.lakestore/overflow/lake/1234"),
      ])
    XCTAssertEqual(try get(store, "lake", "d").1, Array("outer".utf8))
    XCTAssertTrue(try fsck(store, FsckOptions(adopt: true)).1.isClean)
  }

  func testAdoptingOneKeyLeavesAnExistingObjectAndRefusesWhatIsNotThere() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("lake")
    try write(Array("x".utf8), at: directory.url("lake/a.csv"))
    let result = try store.adopt(bucket: "lake", key: "a.csv")
    guard case .adopted = result else { return XCTFail("\(result)") }
    XCTAssertEqual(
      try store.adopt(bucket: "lake", key: "a.csv"),
      .exists(try store.objectInfo(bucket: "lake", key: "a.csv")))
    XCTAssertEqual(
      try store.adopt(bucket: "lake", key: "missing.csv"), .refused("it cannot be opened: ENOENT"))
    XCTAssertEqual(
      try store.adopt(bucket: "lake", key: "a/../a.csv"),
      .refused("the name is not a plain relative path"))
    XCTAssertThrowsError(try store.adopt(bucket: "nope", key: "a.csv")) { error in
      XCTAssertEqual(error as? LakeError, .noSuchBucket("nope"))
    }
  }
}
