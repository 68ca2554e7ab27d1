import Foundation
import XCTest

@testable import LakeCore

/// Every step of the write protocol fails in turn (issue 11 §4): the caller gets the step's
/// error, no acknowledged object changes, nothing unacknowledged becomes visible, other
/// writes go on, and a restart finds no intent, no temp file and a clean fsck.
final class WriteFaultTests: XCTestCase {
  enum Operation: String, CaseIterable {
    case putNew, overwrite, delete
  }

  /// The steps each operation goes through, in order, that fail the operation.
  static let failingSteps: [Operation: [WriteStep]] = [
    .putNew: [.createTemp, .write, .syncFile, .intent, .rename, .syncDirectory, .catalogCommit],
    .overwrite: [
      .createTemp, .write, .syncFile, .intent, .keepReplaced, .rename, .syncDirectory,
      .catalogCommit,
    ],
    .delete: [.intent, .unlink, .syncDirectory, .catalogCommit],
  ]

  let victim = "victim/deep/dir/object.csv"
  let bystander = "bystander/year=2024/part-0.csv"

  func testEveryStepFailsCleanly() throws {
    for operation in Operation.allCases {
      for step in Self.failingSteps[operation] ?? [] {
        for code in [EIO, ENOSPC, EROFS] {
          try runFailure(operation, step, code)
        }
      }
    }
  }

  /// Pruning empty parents is best effort: failing it must not fail the delete.
  func testPruneFailureDoesNotFailTheDelete() throws {
    let faults = WriteFaults()
    var options = StoreOptions()
    options.faults = faults
    let (store, directory) = try makeStore(options: options)
    _ = try store.createBucket("bkt")
    try put(store, "bkt", victim, "old")
    faults.set([WriteFaults.Rule(step: .pruneParents, action: .fail(EIO))])
    try store.deleteObject(bucket: "bkt", key: victim)
    XCTAssertThrowsError(try store.objectInfo(bucket: "bkt", key: victim))
    XCTAssertTrue(fileExists(directory.url("bkt/victim/deep/dir")), "pruning was skipped")
    faults.set([])
    try assertCleanAfterRestart(store, directory, expectVictim: nil)
  }

  /// A write that would leave less than `minFreeBytes` free is refused up front with ENOSPC
  /// (the server's 507), and nothing is left behind; deletes still work.
  func testFreeSpaceReserveRefusesWrites() throws {
    var options = StoreOptions()
    options.minFreeBytes = 1 << 20
    let (store, directory) = try makeStore(options: options)
    _ = try store.createBucket("bkt")
    try put(store, "bkt", victim, "old")
    XCTAssertThrowsError(
      try store.makeWriter(bucket: "bkt", key: "huge", expectedSize: Int64.max / 2)
    ) { error in
      guard case .io(_, _, let code) = error as? LakeError else { return XCTFail("\(error)") }
      XCTAssertEqual(code, ENOSPC)
    }
    XCTAssertEqual(try temporaryFiles(directory), [])
    try store.deleteObject(bucket: "bkt", key: victim)
    try put(store, "bkt", "small", "fits")
  }

  func testParsesSpecs() {
    XCTAssertEqual(
      WriteFaults.parse("rename:EIO:b/x/,sync-file:kill,write:ENOSPC::3"),
      [
        WriteFaults.Rule(step: .rename, action: .fail(EIO), keyPrefix: "b/x/"),
        WriteFaults.Rule(step: .syncFile, action: .kill),
        WriteFaults.Rule(step: .write, action: .fail(ENOSPC), skip: 3),
      ])
    for bad in ["", "rename", "nosuch:EIO", "rename:EWHAT", "rename:-5", "write:EIO:x:-1"] {
      XCTAssertNil(WriteFaults.parse(bad).flatMap { $0.isEmpty ? nil : $0 }, bad)
    }
  }

  private func runFailure(_ operation: Operation, _ step: WriteStep, _ code: Int32) throws {
    let label = "\(operation) failing at \(step) with errno \(code)"
    let faults = WriteFaults()
    var options = StoreOptions()
    options.faults = faults
    let (store, directory) = try makeStore(options: options)
    _ = try store.createBucket("bkt")
    try put(store, "bkt", bystander, "acknowledged bystander")
    var before: (ObjectInfo, [UInt8])?
    if operation != .putNew {
      try put(store, "bkt", victim, Array(repeating: 7, count: 3000))
      before = try get(store, "bkt", victim)
    }
    faults.set([WriteFaults.Rule(step: step, action: .fail(code), keyPrefix: "bkt/victim/")])
    do {
      switch operation {
      case .putNew, .overwrite:
        try put(store, "bkt", victim, Array(repeating: 9, count: 5000))
      case .delete:
        try store.deleteObject(bucket: "bkt", key: victim)
      }
      XCTFail("\(label): succeeded")
    } catch let error as LakeError {
      guard case .io(_, _, let errno) = error else {
        return XCTFail("\(label): \(error)")
      }
      XCTAssertEqual(errno, code, label)
    }
    // The key shows exactly what it showed before; others still work while the fault stays.
    assertVictim(store, before, label)
    try put(store, "bkt", "other/key", "written while the fault is armed")
    XCTAssertEqual(try get(store, "bkt", bystander).1, Array("acknowledged bystander".utf8), label)
    XCTAssertEqual(try store.catalog.intents().count, 0, "\(label): intent left behind")
    XCTAssertEqual(try temporaryFiles(directory), [], "\(label): temp litter")
    faults.set([])
    try assertCleanAfterRestart(store, directory, expectVictim: before, label)
  }

  private func assertVictim(
    _ store: LakeStore, _ before: (ObjectInfo, [UInt8])?, _ label: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    if let before {
      guard let now = try? get(store, "bkt", victim) else {
        return XCTFail("\(label): acknowledged object lost", file: file, line: line)
      }
      XCTAssertEqual(now.0.etag, before.0.etag, label, file: file, line: line)
      XCTAssertEqual(now.1, before.1, label, file: file, line: line)
    } else {
      XCTAssertThrowsError(
        try store.objectInfo(bucket: "bkt", key: victim), "\(label): unacknowledged object visible",
        file: file, line: line)
    }
  }

  private func assertCleanAfterRestart(
    _ store: LakeStore, _ directory: TemporaryDirectory, expectVictim: (ObjectInfo, [UInt8])?,
    _ label: String = ""
  ) throws {
    store.close()
    let reopened = try reopen(directory)
    defer { reopened.close() }
    assertVictim(reopened, expectVictim, label)
    var findings: [FsckFinding] = []
    let summary = try reopened.fsck(repair: false) { findings.append($0) }
    XCTAssertEqual(findings, [], label)
    XCTAssertEqual(summary.pendingIntents, 0, label)
    XCTAssertEqual(try temporaryFiles(directory), [], label)
  }

  private func temporaryFiles(_ directory: TemporaryDirectory) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.url(".lakestore/tmp"))
  }
}
