import XCTest

@testable import LakeCore

/// Each test stops a write at one crash point by driving the commit's steps by hand, closes
/// the store as a crash would leave it (nothing cleaned up), reopens it, and checks what a
/// client would see.
final class RecoveryTests: XCTestCase {
  /// A PUT sealed (temp file fsynced) and its intent committed, stopped there.
  private func stagedPut(_ store: LakeStore, _ bucket: String, _ key: String, _ text: String)
    throws -> (PutIntent, PlacementPlan)
  {
    let writer = try store.makeWriter(bucket: bucket, key: key)
    try writer.write(Array(text.utf8))
    let sealed = try writer.seal()
    writer.markCommitted()  // the "crashed" process never cleans up
    let plan = PlacementPlan(bucket: bucket, key: key)
    let (intent, ticket) = try store.catalog.stagePutIntent(
      PutIntent(
        id: 0, bucket: bucket, key: key, tmpName: sealed.tmpName, storagePath: plan.preferredPath,
        fallbackPath: plan.fallbackPath, size: sealed.size, etag: Hex.encode(sealed.md5),
        metadata: ObjectMetadata(contentType: "text/recovered"), fileID: sealed.fileID))
    try store.catalog.awaitDurable(ticket)
    return (intent, plan)
  }

  private func tmpEntries(_ directory: TemporaryDirectory) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.url(".lakestore/tmp"))
  }

  func testCrashAfterIntentBeforeRenameRollsBack() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let old = try put(store, "bkt", "k", "old")
    _ = try stagedPut(store, "bkt", "k", "new")
    _ = try stagedPut(store, "bkt", "fresh", "never acknowledged")
    XCTAssertEqual(try tmpEntries(directory).count, 2)
    store.close()

    let reopened = try reopen(directory)
    XCTAssertEqual(try get(reopened, "bkt", "k").1, Array("old".utf8))
    XCTAssertEqual(try reopened.objectInfo(bucket: "bkt", key: "k"), old)
    XCTAssertThrowsError(try reopened.objectInfo(bucket: "bkt", key: "fresh"))
    XCTAssertEqual(try reopened.catalog.intents(), [])
    XCTAssertEqual(try tmpEntries(directory), [])
  }

  func testCrashAfterRenameBeforeCommitRollsForward() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    _ = try put(store, "bkt", "k", "old")
    let (intent, plan) = try stagedPut(store, "bkt", "k", "new bytes")
    XCTAssertEqual(try store.place(tmpName: intent.tmpName, plan: plan).storagePath, "bkt/k")
    store.close()

    let reopened = try reopen(directory)
    let (info, bytes) = try get(reopened, "bkt", "k")
    XCTAssertEqual(bytes, Array("new bytes".utf8))
    XCTAssertEqual(info.etag, md5Hex(Array("new bytes".utf8)))
    XCTAssertEqual(info.metadata.contentType, "text/recovered")
    XCTAssertEqual(try reopened.catalog.intents(), [])
    XCTAssertTrue(try reopened.fsck(repair: false) { XCTFail("\($0)") }.isClean)
  }

  func testRollForwardIntoOverflowRemovesReplacedFile() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let old = try put(store, "bkt", "a//b", "old overflow")
    let (intent, plan) = try stagedPut(store, "bkt", "a//b", "new overflow")
    let placed = try store.place(tmpName: intent.tmpName, plan: plan).storagePath
    store.close()

    let reopened = try reopen(directory)
    let (info, bytes) = try get(reopened, "bkt", "a//b")
    XCTAssertEqual(bytes, Array("new overflow".utf8))
    XCTAssertEqual(info.storagePath, placed)
    XCTAssertFalse(fileExists(directory.url(old.storagePath)))
  }

  func testRollForwardFindsTheFallbackPathAfterAConflict() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    _ = try put(store, "bkt", "d/e", "inner")
    let (intent, plan) = try stagedPut(store, "bkt", "d", "conflicting")
    let placed = try store.place(tmpName: intent.tmpName, plan: plan).storagePath
    XCTAssertEqual(placed, plan.fallbackPath)
    store.close()

    let reopened = try reopen(directory)
    XCTAssertEqual(try get(reopened, "bkt", "d").1, Array("conflicting".utf8))
    XCTAssertEqual(try get(reopened, "bkt", "d/e").1, Array("inner".utf8))
  }

  /// A PUT's final transaction does not wait for the disk, so power loss can leave the
  /// intents of several acknowledged PUTs of one key. Rolled forward in order, the newest
  /// wins and the older version's file (here in overflow) does not stay behind.
  func testSeveralIntentsOfOneKeyLeaveTheNewest() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    _ = try put(store, "bkt", "d/e", "inner")
    let (first, firstPlan) = try stagedPut(store, "bkt", "d", "first")
    let overflow = try store.place(tmpName: first.tmpName, plan: firstPlan).storagePath
    XCTAssertEqual(overflow, firstPlan.fallbackPath)
    try store.deleteObject(bucket: "bkt", key: "d/e")
    let (second, secondPlan) = try stagedPut(store, "bkt", "d", "second")
    XCTAssertEqual(try store.place(tmpName: second.tmpName, plan: secondPlan).storagePath, "bkt/d")
    store.close()

    let reopened = try reopen(directory)
    XCTAssertEqual(try get(reopened, "bkt", "d").1, Array("second".utf8))
    XCTAssertEqual(try reopened.catalog.intents(), [])
    XCTAssertFalse(fileExists(directory.url(overflow)))
    XCTAssertTrue(try reopened.fsck(repair: false) { XCTFail("\($0)") }.isClean)
  }

  /// Only the destination directory is fsynced after a rename, so after power loss the temp
  /// name can still be there, a second link to the renamed file. That is a completed rename.
  func testTempNameLeftBesideACompletedRenameRollsForward() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    _ = try put(store, "bkt", "k", "old")
    let (intent, plan) = try stagedPut(store, "bkt", "k", "acknowledged")
    _ = try store.place(tmpName: intent.tmpName, plan: plan)
    XCTAssertEqual(
      link(directory.url("bkt/k"), directory.url(".lakestore/tmp/" + intent.tmpName)), 0)
    store.close()

    let reopened = try reopen(directory)
    XCTAssertEqual(try get(reopened, "bkt", "k").1, Array("acknowledged".utf8))
    XCTAssertEqual(try reopened.catalog.intents(), [])
    XCTAssertEqual(try tmpEntries(directory), [])
  }

  func testRenamedFileThatDoesNotMatchIsNotRolledForward() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let (intent, plan) = try stagedPut(store, "bkt", "k", "new bytes")
    _ = try store.place(tmpName: intent.tmpName, plan: plan).storagePath
    // Something else rewrote the file after the rename (same size, other bytes).
    try Data("NEW BYTES".utf8).write(to: URL(fileURLWithPath: directory.url("bkt/k")))
    store.close()

    let reopened = try reopen(directory)
    XCTAssertThrowsError(try reopened.objectInfo(bucket: "bkt", key: "k"))
    XCTAssertEqual(try reopened.catalog.intents(), [])
  }

  func testLitterInTmpIsRemoved() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "k", "kept")
    for name in ["put-deadbeef", "partial-upload", "x"] {
      try Data("junk".utf8).write(to: URL(fileURLWithPath: directory.url(".lakestore/tmp/" + name)))
    }
    store.close()

    let reopened = try reopen(directory)
    XCTAssertEqual(try tmpEntries(directory), [])
    XCTAssertEqual(try get(reopened, "bkt", "k").1, Array("kept".utf8))
  }

  func testCrashDuringDeleteRollsForward() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let unlinked = try put(store, "bkt", "dir/unlinked", "1")
    let notYet = try put(store, "bkt", "dir/not-yet", "2")
    for row in [unlinked, notYet] {
      _ = try store.catalog.insertDeleteIntent(
        DeleteIntent(
          id: 0, bucket: "bkt", key: row.key, storagePath: row.storagePath,
          objectSequence: row.sequence))
    }
    try store.removeStoredFile(unlinked.storagePath)
    store.close()

    let reopened = try reopen(directory)
    for key in ["dir/unlinked", "dir/not-yet"] {
      XCTAssertThrowsError(try reopened.objectInfo(bucket: "bkt", key: key)) {
        XCTAssertEqual($0 as? LakeError, .noSuchKey(bucket: "bkt", key: key))
      }
    }
    XCTAssertFalse(fileExists(directory.url("bkt/dir")), "the delete finished, pruning included")
    XCTAssertEqual(try reopened.catalog.intents(), [])
  }

  func testStaleDeleteIntentDoesNotDeleteANewerObject() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let old = try put(store, "bkt", "k", "old")
    _ = try store.catalog.insertDeleteIntent(
      DeleteIntent(
        id: 0, bucket: "bkt", key: "k", storagePath: old.storagePath, objectSequence: old.sequence))
    try put(store, "bkt", "k", "newer")
    store.close()

    let reopened = try reopen(directory)
    XCTAssertEqual(try get(reopened, "bkt", "k").1, Array("newer".utf8))
    XCTAssertEqual(try reopened.catalog.intents(), [])
  }

  func testPendingIntentKeepsBucketFromBeingDeleted() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    _ = try stagedPut(store, "bkt", "k", "in flight")
    XCTAssertThrowsError(try store.deleteBucket("bkt")) {
      XCTAssertEqual($0 as? LakeError, .bucketNotEmpty("bkt"))
    }
  }
}
