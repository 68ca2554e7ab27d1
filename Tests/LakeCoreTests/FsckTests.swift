import XCTest

@testable import LakeCore

final class FsckTests: XCTestCase {
  private func run(_ store: LakeStore, repair: Bool) throws -> ([FsckFinding], FsckSummary) {
    var findings: [FsckFinding] = []
    let summary = try store.fsck(repair: repair) { findings.append($0) }
    return (findings, summary)
  }

  func testCleanStore() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "a/b/c", "1")
    try put(store, "bkt", "x//y", "2")
    try put(store, "bkt", "top", "3")
    let (findings, summary) = try run(store, repair: false)
    XCTAssertEqual(findings, [])
    XCTAssertEqual(summary.objectsChecked, 3)
    XCTAssertEqual(summary.filesChecked, 3)
    XCTAssertTrue(summary.isClean)
  }

  func testRowsWithoutFilesAndSizeMismatches() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let missing = try put(store, "bkt", "dir/missing", "gone soon")
    let grown = try put(store, "bkt", "grown", "short")
    try put(store, "bkt", "fine", "ok")
    try FileManager.default.removeItem(atPath: directory.url(missing.storagePath))
    try Data("much longer now".utf8).write(
      to: URL(fileURLWithPath: directory.url(grown.storagePath)))

    let (report, _) = try run(store, repair: false)
    XCTAssertEqual(
      report.map(\.problem),
      [
        .missingFile(bucket: "bkt", key: "dir/missing", storagePath: "bkt/dir/missing"),
        .sizeMismatch(
          bucket: "bkt", key: "grown", storagePath: "bkt/grown", expected: 5, actual: 15),
      ])
    XCTAssertNoThrow(
      try store.objectInfo(bucket: "bkt", key: "dir/missing"), "report-only run changes nothing")

    let (repaired, summary) = try run(store, repair: true)
    XCTAssertEqual(
      repaired.map(\.repair),
      [.deletedRow, .deletedRow, .movedTo(".lakestore/lost+found/bkt/grown")])
    XCTAssertEqual(
      repaired.last?.problem, .orphanFile(path: "bkt/grown"), "the mismatched file is set aside")
    XCTAssertEqual(summary.repaired, 3)
    XCTAssertThrowsError(try store.objectInfo(bucket: "bkt", key: "dir/missing"))
    XCTAssertThrowsError(try store.objectInfo(bucket: "bkt", key: "grown"))
    XCTAssertEqual(
      fileBytes(directory.url(".lakestore/lost+found/bkt/grown")), Array("much longer now".utf8))
    XCTAssertEqual(try get(store, "bkt", "fine").1, Array("ok".utf8))
    XCTAssertTrue(try run(store, repair: false).1.isClean)
  }

  func testOrphanFilesAndForeignEntriesAreMovedToLostAndFound() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "deep/er/kept", "kept")
    try FileManager.default.createDirectory(
      atPath: directory.url("bkt/deep/er"), withIntermediateDirectories: true)
    try Data("orphan".utf8).write(to: URL(fileURLWithPath: directory.url("bkt/deep/er/orphan")))
    try Data("stray".utf8).write(
      to: URL(fileURLWithPath: directory.url(".lakestore/overflow/stray")))
    try FileManager.default.createDirectory(
      atPath: directory.url(".lakestore/overflow/bkt"), withIntermediateDirectories: true)
    try Data("lost".utf8).write(
      to: URL(fileURLWithPath: directory.url(".lakestore/overflow/bkt/1234")))
    try FileManager.default.createSymbolicLink(
      atPath: directory.url("bkt/link"), withDestinationPath: "/etc/passwd")
    try FileManager.default.createDirectory(
      atPath: directory.url("not-a-bucket"), withIntermediateDirectories: true)
    try Data("theirs".utf8).write(to: URL(fileURLWithPath: directory.url("not-a-bucket/file")))

    let (report, _) = try run(store, repair: false)
    XCTAssertEqual(
      Set(report.map(\.problem)),
      [
        .orphanFile(path: "bkt/deep/er/orphan"), .unexpectedEntry(path: "bkt/link"),
        .orphanFile(path: ".lakestore/overflow/stray"),
        .orphanFile(path: ".lakestore/overflow/bkt/1234"),
        .unknownTopLevelEntry(name: "not-a-bucket"),
      ])
    XCTAssertTrue(report.allSatisfy { $0.repair == .none })

    let (repaired, summary) = try run(store, repair: true)
    XCTAssertEqual(summary.problems, 5)
    XCTAssertEqual(summary.repaired, 4)
    XCTAssertEqual(
      fileBytes(directory.url(".lakestore/lost+found/bkt/deep/er/orphan")), Array("orphan".utf8))
    XCTAssertEqual(
      fileBytes(directory.url(".lakestore/lost+found/.lakestore/overflow/bkt/1234")),
      Array("lost".utf8))
    XCTAssertEqual(
      try FileManager.default.destinationOfSymbolicLink(
        atPath: directory.url(".lakestore/lost+found/bkt/link")), "/etc/passwd")
    XCTAssertFalse(fileExists(directory.url("bkt/deep/er/orphan")))
    XCTAssertEqual(
      fileBytes(directory.url("not-a-bucket/file")), Array("theirs".utf8), "never touched")
    XCTAssertTrue(
      repaired.contains { $0.repair == .movedTo(".lakestore/lost+found/.lakestore/overflow/stray") }
    )
    XCTAssertEqual(try get(store, "bkt", "deep/er/kept").1, Array("kept".utf8))

    // A second orphan with the same path gets a suffix instead of replacing the first.
    try Data("orphan 2".utf8).write(to: URL(fileURLWithPath: directory.url("bkt/deep/er/orphan")))
    let (again, _) = try run(store, repair: true)
    XCTAssertTrue(
      again.contains { $0.repair == .movedTo(".lakestore/lost+found/bkt/deep/er/orphan.1") })
  }
}
