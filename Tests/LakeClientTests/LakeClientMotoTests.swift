import Foundation
import LakeClient
import LakeS3
import XCTest

/// The library against moto_server (an S3 mock written from AWS's behaviour, which checks no
/// signatures): what LakeClient does works against an S3 other than LakeStore. Skipped when
/// moto_server is not installed (scripts/test installs it).
final class LakeClientMotoTests: XCTestCase {
  var moto: ServerProcess!
  var lake: LakeClient!

  override func setUp() async throws {
    moto = try ServerProcess.moto()
    lake = moto.client {
      $0.partSize = 5 * 1024 * 1024
      $0.multipartThreshold = 6 * 1024 * 1024
    }
    try await lake.createBucket("moto-lake")
  }

  override func tearDown() {
    lake = nil
    moto = nil
  }

  func testObjectsMetadataRangesAndErrors() async throws {
    let body = testBytes(10_000)
    try await lake.putObject(
      bucket: "moto-lake", key: "a/b.bin", data: body,
      options: PutOptions(contentType: "application/x-test", metadata: ["origin": "moto"]))
    let head = try await lake.headObject(bucket: "moto-lake", key: "a/b.bin")
    XCTAssertEqual(head.size, 10_000)
    XCTAssertEqual(head.contentType, "application/x-test")
    XCTAssertEqual(head.metadata["origin"], "moto")
    let (range, _) = try await lake.getObject(bucket: "moto-lake", key: "a/b.bin", range: 100...199)
    XCTAssertEqual(range, body.subdata(in: 100..<200))
    do {
      _ = try await lake.getObject(bucket: "moto-lake", key: "missing")
      XCTFail("GET of a missing key succeeded")
    } catch {
      XCTAssertEqual(error.code, "NoSuchKey")
      XCTAssertEqual(error.status, 404)
    }
  }

  func testListingPagesAndPrefixes() async throws {
    for i in 0..<7 {
      try await lake.putObject(bucket: "moto-lake", key: "d/p=\(i % 3)/f\(i)", data: Data())
    }
    var pages = 0
    var keys: [String] = []
    for try await page in lake.listPages(bucket: "moto-lake", prefix: "d/", pageSize: 3) {
      pages += 1
      keys += page.objects.map(\.key)
    }
    XCTAssertEqual(pages, 3)
    XCTAssertEqual(keys.count, 7)
    var prefixes: [String] = []
    for try await prefix in lake.commonPrefixes(bucket: "moto-lake", prefix: "d/") {
      prefixes.append(prefix)
    }
    XCTAssertEqual(prefixes, ["d/p=0/", "d/p=1/", "d/p=2/"])
  }

  func testMultipartStreamDownloadBatchDeleteAndCopy() async throws {
    let body = testBytes(11 * 1024 * 1024)
    let result = try await lake.putObject(
      bucket: "moto-lake", key: "big.bin", chunks: Chunks(data: body, size: 1 << 20),
      options: PutOptions(checksum: nil))
    XCTAssertTrue(result.etag.hasSuffix("-3"), result.etag)
    var streamed = Data()
    for try await chunk in lake.objectBytes(bucket: "moto-lake", key: "big.bin") {
      streamed.append(chunk)
    }
    XCTAssertEqual(streamed, body)
    try await lake.copyObject(from: ("moto-lake", "big.bin"), to: "moto-lake", key: "copy.bin")
    let failures = try await lake.deleteObjects(bucket: "moto-lake", keys: ["big.bin", "copy.bin"])
    XCTAssertEqual(failures, [])
    var left: [String] = []
    for try await object in lake.list(bucket: "moto-lake") { left.append(object.key) }
    XCTAssertEqual(left, [])
  }
}
