import Foundation
import XCTest

@testable import LakeCore

/// `LakeStore.importTree`: a directory tree becomes objects by copy, by move or in place;
/// what cannot be imported is reported and left alone, and a second run finds what the first
/// one did.
final class ImportTests: XCTestCase {
  /// Collects what an import reports (its callbacks run on worker threads, one at a time).
  private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var eventList: [ImportEvent] = []
    private var progressList: [ImportProgress] = []

    var events: Set<ImportEvent> { lock.withLock { Set(eventList) } }
    var progress: [ImportProgress] { lock.withLock { progressList } }

    func event(_ event: ImportEvent) { lock.withLock { eventList.append(event) } }
    func step(_ totals: ImportProgress) { lock.withLock { progressList.append(totals) } }
  }

  private func run(
    _ store: LakeStore, _ source: String, _ options: ImportOptions, bucket: String = "lake"
  ) throws -> (ImportProgress, Collector) {
    let collector = Collector()
    let totals = try store.importTree(
      from: source, bucket: bucket, options: options, report: collector.event,
      progress: collector.step)
    return (totals, collector)
  }

  private func write(_ text: String, at path: String) throws {
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  }

  private let files = [
    "sales/year=2024/month=05/part-0.csv": "id,amount\n1,10.5\n2,20\n",
    "sales/year=2024/month=06/part-0.csv": "id,amount\n3,30\n",
    "sales/_SUCCESS": "",
    "README.md": "# export\n",
  ]

  /// A source tree outside the data directory with `files`, a symlink, a FIFO and a name
  /// that is not UTF-8.
  private func sourceTree() throws -> TemporaryDirectory {
    let source = try TemporaryDirectory()
    addTeardownBlock { source.remove() }
    for (path, text) in files { try write(text, at: source.url(path)) }
    try FileManager.default.createSymbolicLink(
      atPath: source.url("sales/link.csv"), withDestinationPath: "/etc/passwd")
    XCTAssertEqual(mkfifo(source.url("fifo"), 0o644), 0)
    let raw = Array(source.url("bad-").utf8) + [0xFF, 0x2E, 0x63, 0x73, 0x76, 0]
    let fd = raw.withUnsafeBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) {
        open($0, O_WRONLY | O_CREAT, 0o644)
      }
    }
    XCTAssertGreaterThanOrEqual(fd, 0)
    close(fd)
    return source
  }

  private let unimportable: Set<ImportEvent> = [
    .skipped(path: "sales/link.csv", reason: "a symbolic link (never followed)"),
    .skipped(path: "fifo", reason: "not a regular file"),
    .skipped(path: "bad-\u{FFFD}.csv", reason: "the name is not valid UTF-8"),
  ]

  func testCopyImportsEveryFileWithItsPutETagAndReportsWhatItSkips() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("lake")
    let source = try sourceTree()

    let (totals, collector) = try run(store, source.path, ImportOptions(prefix: "raw", jobs: 3))
    XCTAssertEqual(totals.imported, files.count)
    XCTAssertEqual(totals.bytes, Int64(files.values.map(\.utf8.count).reduce(0, +)))
    XCTAssertEqual(totals.skipped, 3)
    XCTAssertEqual(collector.events, unimportable)
    XCTAssertEqual(collector.progress.count, totals.handled, "one progress call per entry")
    XCTAssertEqual(collector.progress.last, totals)
    XCTAssertEqual(collector.progress.map(\.handled), Array(1...totals.handled))
    for (path, text) in files {
      let (info, bytes) = try get(store, "lake", "raw/" + path)
      XCTAssertEqual(bytes, Array(text.utf8))
      XCTAssertEqual(info.etag, md5Hex(Array(text.utf8)))
      XCTAssertEqual(info.storagePath, "lake/raw/" + path)
      XCTAssertEqual(fileBytes(source.url(path)), Array(text.utf8), "the source is left as it is")
    }
    XCTAssertEqual(
      try store.objectInfo(bucket: "lake", key: "raw/README.md").metadata.contentType,
      "text/markdown")
    XCTAssertEqual(
      try store.objectInfo(bucket: "lake", key: "raw/sales/_SUCCESS").metadata.contentType,
      "application/octet-stream")
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    XCTAssertEqual(
      try store.lakeFile(bucket: "lake", key: "raw/sales/year=2024/month=05/part-0.csv")?
        .rowCount, 2)
    XCTAssertEqual(try store.lakeDatasets(bucket: "lake").first { $0.name == "raw/sales" }?.rows, 3)

    // Again: every key exists and is left alone, unless overwriting.
    try write("id,amount\n9,90\n", at: source.url("sales/year=2024/month=06/part-0.csv"))
    let (again, events) = try run(store, source.path, ImportOptions(prefix: "raw/"))
    XCTAssertEqual(again.imported, 0)
    XCTAssertEqual(again.existing, files.count)
    XCTAssertTrue(
      events.events.contains(
        .exists(
          path: "sales/year=2024/month=06/part-0.csv",
          key: "raw/sales/year=2024/month=06/part-0.csv")))
    let (overwritten, _) = try run(
      store, source.path, ImportOptions(prefix: "raw", overwrite: true))
    XCTAssertEqual(overwritten.imported, files.count)
    XCTAssertEqual(
      try get(store, "lake", "raw/sales/year=2024/month=06/part-0.csv").1,
      Array("id,amount\n9,90\n".utf8))
    XCTAssertTrue(try store.fsck(FsckOptions()) { _ in }.isClean)
    _ = directory
  }

  func testMoveLinksFilesIntoPlaceAndRemovesTheirOldNames() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("lake")
    let source = try sourceTree()
    try put(store, "lake", "in/taken.txt", "theirs")
    try put(store, "lake", "in/file", "a file where the import wants a directory")
    try write("mine", at: source.url("taken.txt"))
    try write("under a file", at: source.url("file/inner.txt"))
    // An earlier run that stopped after linking one file, and one that stopped after
    // registering another.
    let linked = "sales/year=2024/month=05/part-0.csv"
    try FileManager.default.createDirectory(
      atPath: directory.url("lake/in/sales/year=2024/month=05"), withIntermediateDirectories: true)
    XCTAssertEqual(link(source.url(linked), directory.url("lake/in/" + linked)), 0)
    let registered = "README.md"
    XCTAssertEqual(link(source.url(registered), directory.url("lake/in/" + registered)), 0)
    guard case .adopted = try store.adopt(bucket: "lake", key: "in/" + registered) else {
      return XCTFail("not adopted")
    }
    var before = stat()
    XCTAssertEqual(stat(source.url("sales/_SUCCESS"), &before), 0)

    let (totals, collector) = try run(store, source.path, ImportOptions(mode: .move, prefix: "in"))
    XCTAssertEqual(totals.imported, files.count)
    XCTAssertEqual(
      collector.events,
      unimportable.union([
        .exists(path: "taken.txt", key: "in/taken.txt"),
        .skipped(
          path: "file/inner.txt",
          reason: "its path conflicts with a file or directory in the bucket"),
      ]))
    for (path, text) in files {
      XCTAssertEqual(try get(store, "lake", "in/" + path).1, Array(text.utf8))
      XCTAssertEqual(
        try store.objectInfo(bucket: "lake", key: "in/" + path).etag, md5Hex(Array(text.utf8)))
      XCTAssertFalse(fileExists(source.url(path)), "\(path) was moved")
    }
    var after = stat()
    XCTAssertEqual(stat(directory.url("lake/in/sales/_SUCCESS"), &after), 0)
    XCTAssertEqual(after.st_ino, before.st_ino, "moved, not copied")
    XCTAssertEqual(fileBytes(source.url("taken.txt")), Array("mine".utf8), "left alone")
    XCTAssertEqual(try get(store, "lake", "in/taken.txt").1, Array("theirs".utf8))
    XCTAssertEqual(fileBytes(source.url("file/inner.txt")), Array("under a file".utf8))
    XCTAssertTrue(try store.fsck(FsckOptions()) { _ in }.isClean)
  }

  func testInPlaceRegistersTheFilesOfABucketDirectoryWhereTheyAre() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("lake")
    try put(store, "lake", "exports/old.csv", "a,b\n1,2\n")
    for (path, text) in files { try write(text, at: directory.url("lake/exports/" + path)) }

    let (totals, collector) = try run(
      store, directory.url("lake/exports"), ImportOptions(mode: .inPlace, prefix: "ignored"))
    XCTAssertEqual(totals.imported, files.count)
    XCTAssertEqual(totals.existing, 1, "old.csv already is its key's object")
    XCTAssertEqual(collector.events, [])
    for (path, text) in files {
      let info = try store.objectInfo(bucket: "lake", key: "exports/" + path)
      XCTAssertEqual(info.etag, md5Hex(Array(text.utf8)))
      XCTAssertEqual(info.storagePath, "lake/exports/" + path)
    }
    let (again, _) = try run(store, directory.url("lake/exports/"), ImportOptions(mode: .inPlace))
    XCTAssertEqual(again.imported, 0)
    XCTAssertEqual(again.existing, files.count + 1)
    XCTAssertTrue(try store.fsck(FsckOptions()) { _ in }.isClean)
  }

  func testImportRefusesDirectoriesItMustNotWalk() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("lake")
    _ = try store.createBucket("other")
    try write("x", at: directory.url("other/x.csv"))
    let source = try sourceTree()
    let refusals: [(String, ImportOptions)] = [
      (directory.url("other"), ImportOptions(mode: .copy)),
      (directory.url("other"), ImportOptions(mode: .move)),
      (directory.url("other"), ImportOptions(mode: .inPlace)),
      (source.path, ImportOptions(mode: .inPlace)),
      (source.path + "/missing", ImportOptions()),
    ]
    for (path, options) in refusals {
      XCTAssertThrowsError(try run(store, path, options), "\(path) \(options)") { error in
        guard case .io = error as? LakeError else { return XCTFail("\(error)") }
      }
    }
    for prefix in ["/abs", "a//b", "../up", "a/./b"] {
      XCTAssertThrowsError(try run(store, source.path, ImportOptions(prefix: prefix))) { error in
        guard case .invalidKey = error as? LakeError else { return XCTFail("\(error)") }
      }
    }
    XCTAssertThrowsError(try run(store, source.path, ImportOptions(), bucket: "nope")) { error in
      XCTAssertEqual(error as? LakeError, .noSuchBucket("nope"))
    }
    XCTAssertEqual(try listAll(store, "other").count, 0)
    XCTAssertEqual(fileBytes(directory.url("other/x.csv")), Array("x".utf8))
  }
}
