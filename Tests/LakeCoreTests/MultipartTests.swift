import Crypto
import Foundation
import XCTest

@testable import LakeCore

/// Multipart uploads in the store: parts, Complete, Abort, listing, recovery and every
/// failing step of UploadPart and Complete.
final class MultipartTests: XCTestCase {
  let limits = MultipartLimits(minPartSize: 4, maxObjectSize: 1 << 30)

  func testCompleteAssemblesThePlainFileWithTheMultipartETag() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    var metadata = ObjectMetadata(contentType: "text/csv", userMetadata: ["job": "x"])
    metadata.tags = ["team": "data"]
    let upload = try store.createMultipartUpload(
      bucket: "bkt", key: "sales/year=2024/part-0.csv", metadata: metadata)
    let parts: [[UInt8]] = [Array(repeating: 1, count: 3 << 20), Array("tail".utf8)]
    var completed: [CompletedPart] = []
    for (index, bytes) in parts.enumerated() {
      let part = try uploadPart(store, upload, index + 1, bytes)
      XCTAssertEqual(part.etag, md5Hex(bytes))
      completed.append(CompletedPart(number: index + 1, etag: "\"\(part.etag)\""))
    }
    let info = try store.completeMultipartUpload(
      uploadID: upload.id, bucket: "bkt", key: upload.key, parts: completed, limits: limits
    ) { upload, _ in upload.metadata }
    let md5s = parts.flatMap { Array(Insecure.MD5.hash(data: $0)) }
    XCTAssertEqual(info.etag, md5Hex(md5s) + "-2")
    XCTAssertEqual(info.size, Int64(parts.joined().count))
    XCTAssertEqual(info.metadata, metadata)
    let (row, bytes) = try get(store, "bkt", upload.key)
    XCTAssertEqual(bytes, Array(parts.joined()))
    XCTAssertEqual(row.etag, info.etag)
    XCTAssertEqual(fileBytes(directory.url("bkt/sales/year=2024/part-0.csv")), bytes)
    XCTAssertEqual(
      try store.partLayout(bucket: "bkt", key: upload.key, sequence: row.sequence)?.sizes,
      [3 << 20, 4])
    store.waitForCleanup()  // part files go after the answer
    XCTAssertEqual(try uploadDirectories(directory), [])
    XCTAssertThrowsError(try store.listParts(uploadID: upload.id, bucket: "bkt", key: upload.key)) {
      XCTAssertEqual($0 as? LakeError, .noSuchUpload(upload.id))
    }
  }

  func testCompleteChecksPartsInS3Order() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    let upload = try store.createMultipartUpload(bucket: "bkt", key: "k", metadata: .init())
    let a = try uploadPart(store, upload, 1, Array("aaaa".utf8))
    let b = try uploadPart(store, upload, 2, Array("b".utf8))
    let c = try uploadPart(store, upload, 3, Array("cccc".utf8))
    let cases: [([CompletedPart], LakeError)] = [
      ([.init(number: 2, etag: b.etag), .init(number: 1, etag: a.etag)], .invalidPartOrder),
      ([.init(number: 1, etag: a.etag), .init(number: 1, etag: a.etag)], .invalidPartOrder),
      ([.init(number: 4, etag: a.etag)], .invalidPart("part 4 was not uploaded")),
      ([.init(number: 1, etag: b.etag)], .invalidPart("part 1 has another ETag")),
      (
        [.init(number: 2, etag: b.etag), .init(number: 3, etag: c.etag)],
        .entityTooSmall(part: 2, size: 1, minimum: 4)
      ),
    ]
    for (parts, expected) in cases {
      XCTAssertThrowsError(try complete(store, upload, parts)) {
        XCTAssertEqual($0 as? LakeError, expected)
      }
    }
    var small = limits
    small.maxObjectSize = 7
    XCTAssertThrowsError(
      try store.completeMultipartUpload(
        uploadID: upload.id, bucket: "bkt", key: "k",
        parts: [.init(number: 1, etag: a.etag), .init(number: 3, etag: c.etag)], limits: small
      ) { upload, _ in upload.metadata }
    ) { XCTAssertEqual($0 as? LakeError, .entityTooLarge(size: 8, limit: 7)) }
    // Every refusal left the upload open with its parts: a later Complete works.
    let info = try complete(
      store, upload, [.init(number: 1, etag: a.etag), .init(number: 2, etag: b.etag)])
    XCTAssertEqual(try get(store, "bkt", "k").1, Array("aaaab".utf8))
    XCTAssertTrue(info.etag.hasSuffix("-2"))
  }

  func testPartReplacedAndAbort() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let upload = try store.createMultipartUpload(bucket: "bkt", key: "k", metadata: .init())
    _ = try uploadPart(store, upload, 1, Array("first".utf8))
    let later = try uploadPart(store, upload, 1, Array("second".utf8))
    let listed = try store.listParts(uploadID: upload.id, bucket: "bkt", key: "k").parts
    XCTAssertEqual(listed.map(\.etag), [later.etag])
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: uploadDirectory(directory, upload)).count,
      1)
    XCTAssertThrowsError(
      try store.abortMultipartUpload(uploadID: upload.id, bucket: "bkt", key: "other"))
    try store.abortMultipartUpload(uploadID: upload.id, bucket: "bkt", key: "k")
    store.waitForCleanup()
    XCTAssertEqual(try uploadDirectories(directory), [])
    XCTAssertThrowsError(try uploadPart(store, upload, 2, Array("late".utf8))) {
      XCTAssertEqual($0 as? LakeError, .noSuchUpload(upload.id))
    }
    XCTAssertEqual(try temporaryFiles(directory), [])
  }

  func testListUploadsWithMarkersAndDelimiter() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    var ids: [String: [String]] = [:]
    for key in ["a/1", "a/2", "b", "b", "c/d", "\u{E9}"] {
      ids[key, default: []].append(
        try store.createMultipartUpload(bucket: "bkt", key: key, metadata: .init()).id)
    }
    let all = try store.listMultipartUploads(bucket: "bkt")
    XCTAssertEqual(all.uploads.map(\.key), ["a/1", "a/2", "b", "b", "c/d", "\u{E9}"])
    XCTAssertEqual(all.uploads.filter { $0.key == "b" }.map(\.id), ids["b"])
    let rolled = try store.listMultipartUploads(bucket: "bkt", delimiter: "/")
    XCTAssertEqual(rolled.commonPrefixes, ["a/", "c/"])
    XCTAssertEqual(rolled.uploads.map(\.key), ["b", "b", "\u{E9}"])
    // Pages of 2 resumed from the markers visit everything once.
    var seen: [String] = []
    var marker: (String?, String?) = (nil, nil)
    while true {
      let page = try store.listMultipartUploads(
        bucket: "bkt", delimiter: "/", keyMarker: marker.0, uploadIDMarker: marker.1,
        maxUploads: 2)
      seen += page.uploads.map { "\($0.key) \($0.id)" } + page.commonPrefixes
      guard page.isTruncated else { break }
      marker = (page.nextKeyMarker, page.nextUploadIDMarker)
    }
    XCTAssertEqual(seen.count, 5)
    XCTAssertEqual(Set(seen).count, 5)
    XCTAssertEqual(try store.listMultipartUploads(bucket: "bkt", prefix: "a/").uploads.count, 2)
  }

  /// A restart keeps an open upload and its parts, turns a Complete that never committed back
  /// into an open upload, and removes part files no row names.
  func testRecoveryKeepsUploadsAndSweepsStrays() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let upload = try store.createMultipartUpload(bucket: "bkt", key: "k", metadata: .init())
    let part = try uploadPart(store, upload, 1, Array("kept".utf8))
    _ = try store.catalog.beginCompleting(upload.id, bucket: "bkt", key: "k")
    let stray = uploadDirectory(directory, upload) + "/2-stray"
    _ = FileManager.default.createFile(atPath: stray, contents: Data("x".utf8))
    let orphan = directory.url(".lakestore/uploads/" + String(repeating: "a", count: 64))
    try FileManager.default.createDirectory(atPath: orphan, withIntermediateDirectories: false)
    _ = FileManager.default.createFile(atPath: orphan + "/1-x", contents: Data("y".utf8))
    store.close()
    let reopened = try reopen(directory)
    defer { reopened.close() }
    XCTAssertFalse(fileExists(stray))
    XCTAssertFalse(fileExists(orphan))
    XCTAssertEqual(
      try reopened.listParts(uploadID: upload.id, bucket: "bkt", key: "k").parts.map(\.etag),
      [part.etag])
    _ = try complete(reopened, upload, [.init(number: 1, etag: part.etag)])
    XCTAssertEqual(try get(reopened, "bkt", "k").1, Array("kept".utf8))
  }

  /// Every failing step of UploadPart and of Complete: the caller gets the step's errno, the
  /// key and the upload are as before, nothing is left behind, and a retry succeeds.
  func testEveryStepOfPartsAndCompleteFailsCleanly() throws {
    let partSteps: [WriteStep] = [
      .createTemp, .write, .syncFile, .rename, .syncDirectory, .catalogCommit,
    ]
    let completeSteps: [WriteStep] = [
      .createTemp, .assemble, .syncFile, .intent, .keepReplaced, .rename, .syncDirectory,
      .catalogCommit,
    ]
    for step in partSteps { try runFailure(complete: false, step) }
    for step in completeSteps { try runFailure(complete: true, step) }
  }

  private func runFailure(complete failComplete: Bool, _ step: WriteStep) throws {
    let label = "\(failComplete ? "complete" : "upload part") failing at \(step)"
    let faults = WriteFaults()
    var options = StoreOptions()
    options.faults = faults
    let (store, directory) = try makeStore(options: options)
    _ = try store.createBucket("bkt")
    try put(store, "bkt", "victim/object", "acknowledged old version")
    let upload = try store.createMultipartUpload(
      bucket: "bkt", key: "victim/object", metadata: .init())
    let first = try uploadPart(store, upload, 1, Array(repeating: 5, count: 100))
    let rule = WriteFaults.Rule(step: step, action: .fail(EIO), keyPrefix: "bkt/victim/")
    var second: UploadedPart
    if failComplete {
      second = try uploadPart(store, upload, 2, Array("end".utf8))
      faults.set([rule])
      XCTAssertThrowsError(
        try complete(
          store, upload, [.init(number: 1, etag: first.etag), .init(number: 2, etag: second.etag)]),
        label
      ) { error in
        guard case .io(_, _, let code) = error as? LakeError else {
          return XCTFail("\(label): \(error)")
        }
        XCTAssertEqual(code, EIO, label)
      }
    } else {
      faults.set([rule])
      XCTAssertThrowsError(try uploadPart(store, upload, 1, Array(repeating: 6, count: 100)), label)
      faults.set([])
      second = try uploadPart(store, upload, 2, Array("end".utf8))
    }
    faults.set([])
    XCTAssertEqual(
      try get(store, "bkt", "victim/object").1, Array("acknowledged old version".utf8), label)
    let listed = try store.listParts(uploadID: upload.id, bucket: "bkt", key: "victim/object").parts
    XCTAssertEqual(listed.map(\.etag), [first.etag, second.etag], label)
    XCTAssertEqual(try temporaryFiles(directory), [], label)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: uploadDirectory(directory, upload)).count,
      2,
      label)
    XCTAssertEqual(try store.catalog.intents().count, 0, label)
    _ = try complete(
      store, upload, [.init(number: 1, etag: first.etag), .init(number: 2, etag: second.etag)])
    XCTAssertEqual(
      try get(store, "bkt", "victim/object").1, Array(repeating: 5, count: 100) + Array("end".utf8),
      label)
  }

  // MARK: - helpers

  private func uploadPart(
    _ store: LakeStore, _ upload: MultipartUpload, _ number: Int, _ bytes: [UInt8]
  )
    throws -> UploadedPart
  {
    let writer = try store.makePartWriter(
      for: store.multipartUpload(id: upload.id, bucket: upload.bucket, key: upload.key))
    try writer.write(bytes)
    return try store.commitPart(writer, uploadID: upload.id, number: number)
  }

  @discardableResult
  private func complete(_ store: LakeStore, _ upload: MultipartUpload, _ parts: [CompletedPart])
    throws -> ObjectInfo
  {
    try store.completeMultipartUpload(
      uploadID: upload.id, bucket: upload.bucket, key: upload.key, parts: parts, limits: limits
    ) { upload, _ in upload.metadata }
  }

  private func uploadDirectory(_ directory: TemporaryDirectory, _ upload: MultipartUpload) -> String
  {
    directory.url(".lakestore/uploads/" + upload.id)
  }

  private func uploadDirectories(_ directory: TemporaryDirectory) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.url(".lakestore/uploads"))
  }

  private func temporaryFiles(_ directory: TemporaryDirectory) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.url(".lakestore/tmp"))
  }
}
