import Crypto
import Foundation
import LakeClient
import LakeS3
import XCTest

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The library against the real server: objects, conditions, listings, ranges, streams,
/// multipart, batch deletes and presigned URLs.
final class LakeClientObjectTests: XCTestCase {
  var server: ServerProcess!
  var lake: LakeClient!

  override func setUp() async throws {
    server = try ServerProcess.lakestore()
    lake = server.client {
      $0.partSize = 5 * 1024 * 1024
      $0.multipartThreshold = 6 * 1024 * 1024
    }
    try await lake.createBucket("lake")
  }

  override func tearDown() {
    lake = nil
    server = nil
  }

  func testPutGetHeadDeleteWithMetadataAndChecksum() async throws {
    let body = Data("id,amount\n1,10\n".utf8)
    let put = try await lake.putObject(
      bucket: "lake", key: "sales/day=1/a.csv", data: body,
      options: PutOptions(contentType: "text/csv", metadata: ["Source": "job-7"]))
    XCTAssertEqual(put.etag, Hex.encode(Insecure.MD5.hash(data: body)))
    let head = try await lake.headObject(bucket: "lake", key: "sales/day=1/a.csv")
    XCTAssertEqual(head.size, Int64(body.count))
    XCTAssertEqual(head.contentType, "text/csv")
    XCTAssertEqual(head.metadata, ["source": "job-7"])
    XCTAssertEqual(head.checksums[.crc64nvme], put.checksum)
    let (data, getHead) = try await lake.getObject(bucket: "lake", key: "sales/day=1/a.csv")
    XCTAssertEqual(data, body)
    XCTAssertEqual(getHead.etag, put.etag)
    let (part, _) = try await lake.getObject(bucket: "lake", key: "sales/day=1/a.csv", range: 3...8)
    XCTAssertEqual(part, body.subdata(in: 3..<9))
    try await lake.deleteObject(bucket: "lake", key: "sales/day=1/a.csv")
    let exists = try await lake.objectExists(bucket: "lake", key: "sales/day=1/a.csv")
    XCTAssertFalse(exists)
  }

  func testServiceErrorsAreTypedWithCodeStatusAndRequestID() async throws {
    try await lake.putObject(bucket: "lake", key: "once", data: Data("first".utf8))
    do {
      try await lake.putObject(
        bucket: "lake", key: "once", data: Data("second".utf8),
        options: PutOptions(ifNoneMatch: "*"))
      XCTFail("a conditional PUT over an existing key succeeded")
    } catch {
      XCTAssertEqual(error.code, "PreconditionFailed")
      XCTAssertEqual(error.status, 412)
      XCTAssertEqual(error.kind, .service)
      XCTAssertNotNil(error.requestID)
    }
    let (data, _) = try await lake.getObject(bucket: "lake", key: "once")
    XCTAssertEqual(data, Data("first".utf8))
    do {
      _ = try await lake.getObject(bucket: "nope-bucket", key: "k")
      XCTFail("GET from a missing bucket succeeded")
    } catch {
      XCTAssertEqual(error.code, "NoSuchBucket")
      XCTAssertEqual(error.status, 404)
    }
    do {
      _ = try await lake.headObject(bucket: "lake", key: "missing")
      XCTFail("HEAD of a missing key succeeded")
    } catch {
      XCTAssertEqual(error.code, "NoSuchKey")
    }
  }

  func testListingPagesLazilyAndRollsUpPartitions() async throws {
    for year in 2021...2023 {
      for part in 0..<4 {
        try await lake.putObject(
          bucket: "lake", key: "sales/year=\(year)/part-\(part).csv", data: Data("\(part)".utf8))
      }
    }
    try await lake.putObject(bucket: "lake", key: "odd key+&%é", data: Data())
    var pages = 0
    var keys: [String] = []
    for try await page in lake.listPages(bucket: "lake", prefix: "sales/", pageSize: 5) {
      pages += 1
      keys += page.objects.map(\.key)
    }
    XCTAssertEqual(pages, 3)
    XCTAssertEqual(keys.count, 12)
    XCTAssertEqual(keys, keys.sorted())
    var partitions: [String] = []
    for try await prefix in lake.commonPrefixes(bucket: "lake", prefix: "sales/") {
      partitions.append(prefix)
    }
    XCTAssertEqual(partitions, ["sales/year=2021/", "sales/year=2022/", "sales/year=2023/"])
    var all: [String] = []
    for try await object in lake.list(bucket: "lake") { all.append(object.key) }
    XCTAssertEqual(all.first, "odd key+&%é")
    XCTAssertEqual(all.count, 13)
  }

  func testStreamedUploadOfUnknownLengthIsMultipartWithFullChecksum() async throws {
    let body = testBytes(12 * 1024 * 1024 + 123)
    let result = try await lake.putObject(
      bucket: "lake", key: "stream.bin", chunks: Chunks(data: body, size: 300_000))
    XCTAssertTrue(result.etag.hasSuffix("-3"), result.etag)
    let head = try await lake.headObject(bucket: "lake", key: "stream.bin")
    XCTAssertEqual(head.size, Int64(body.count))
    XCTAssertEqual(head.checksumType, "FULL_OBJECT")
    var whole = Checksum(.crc64nvme)
    body.withUnsafeBytes { whole.update($0) }
    XCTAssertEqual(head.checksums[.crc64nvme], Checksum.base64(whole.finalize()))
    // A short stream is one PUT.
    let small = try await lake.putObject(
      bucket: "lake", key: "small.bin", chunks: Chunks(data: testBytes(1000), size: 7))
    XCTAssertFalse(small.etag.contains("-"))
  }

  func testAFailingSourceAbortsTheMultipartUpload() async throws {
    let body = testBytes(15 * 1024 * 1024)
    do {
      try await lake.putObject(
        bucket: "lake", key: "broken.bin",
        chunks: Chunks(data: body, size: 1 << 20, failAfter: 11 * 1024 * 1024))
      XCTFail("the upload succeeded although its source failed")
    } catch {
      XCTAssertEqual(error.kind, .local)
    }
    let uploads = try await pendingUploads()
    XCTAssertEqual(uploads, 0)
    let exists = try await lake.objectExists(bucket: "lake", key: "broken.bin")
    XCTAssertFalse(exists)
  }

  func testFileUploadAndParallelRangedDownloadAndByteStream() async throws {
    let body = testBytes(17 * 1024 * 1024 + 5)
    let directory = server.directory
    let source = URL(fileURLWithPath: directory + "/source.bin")
    try body.write(to: source)
    let seen = ProgressLog()
    let result = try await lake.putObject(
      bucket: "lake", key: "file.bin", file: source, progress: { seen.add($0) })
    XCTAssertTrue(result.etag.hasSuffix("-4"), result.etag)
    XCTAssertEqual(seen.last?.bytesDone, Int64(body.count))
    let target = URL(fileURLWithPath: directory + "/target.bin")
    let head = try await lake.download(bucket: "lake", key: "file.bin", to: target)
    XCTAssertEqual(head.size, Int64(body.count))
    XCTAssertEqual(try Data(contentsOf: target), body)
    var streamed = Data()
    var chunks = 0
    for try await chunk in lake.objectBytes(bucket: "lake", key: "file.bin") {
      XCTAssertLessThanOrEqual(chunk.count, 5 * 1024 * 1024)
      streamed.append(chunk)
      chunks += 1
    }
    XCTAssertEqual(streamed, body)
    XCTAssertEqual(chunks, 4)
    // An empty object downloads and streams as nothing.
    try await lake.putObject(bucket: "lake", key: "empty", data: Data())
    try await lake.download(bucket: "lake", key: "empty", to: target)
    XCTAssertEqual(try Data(contentsOf: target), Data())
  }

  func testBatchDeleteSendsThousandKeysPerRequest() async throws {
    let keys = (0..<1_500).map { "many/\($0)" }
    for key in keys.prefix(30) { try await lake.putObject(bucket: "lake", key: key, data: Data()) }
    let failures = try await lake.deleteObjects(bucket: "lake", keys: keys)
    XCTAssertEqual(failures, [])
    var left = 0
    for try await _ in lake.list(bucket: "lake", prefix: "many/") { left += 1 }
    XCTAssertEqual(left, 0)
  }

  func testCopyAndPresignedURLs() async throws {
    try await lake.putObject(bucket: "lake", key: "src", data: Data("copy me".utf8))
    let etag = try await lake.copyObject(from: ("lake", "src"), to: "lake", key: "dst")
    XCTAssertEqual(etag, Hex.encode(Insecure.MD5.hash(data: Data("copy me".utf8))))
    let url = try lake.presignedURL(bucket: "lake", key: "dst", expires: 60)
    let (data, response) = try await URLSession.shared.data(from: url)
    XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 200)
    XCTAssertEqual(data, Data("copy me".utf8))
    var upload = URLRequest(
      url: try lake.presignedURL("PUT", bucket: "lake", key: "up", expires: 60))
    upload.httpMethod = "PUT"
    let (_, putResponse) = try await URLSession.shared.upload(
      for: upload, from: Data("via url".utf8))
    XCTAssertEqual((putResponse as? HTTPURLResponse)?.statusCode, 200)
    let (back, _) = try await lake.getObject(bucket: "lake", key: "up")
    XCTAssertEqual(back, Data("via url".utf8))
  }

  func testTagsOnPutAndAfterwards() async throws {
    try await lake.putObject(
      bucket: "lake", key: "tagged", data: Data("x".utf8),
      options: PutOptions(tags: ["stage": "raw", "owner": "team a+b"]))
    var tags = try await lake.objectTags(bucket: "lake", key: "tagged")
    XCTAssertEqual(tags, ["stage": "raw", "owner": "team a+b"])
    try await lake.setObjectTags(bucket: "lake", key: "tagged", ["stage": "curated"])
    tags = try await lake.objectTags(bucket: "lake", key: "tagged")
    XCTAssertEqual(tags, ["stage": "curated"])
    try await lake.setObjectTags(bucket: "lake", key: "tagged", [:])
    tags = try await lake.objectTags(bucket: "lake", key: "tagged")
    XCTAssertEqual(tags, [:])
  }

  func testVirtualHostAddressing() async throws {
    // The server answers virtual-host requests for `*.localhost` by default; libcurl resolves
    // any `*.localhost` name to the loopback address itself.
    let port = try XCTUnwrap(server.endpoint.port)
    let virtual = server.client {
      $0.endpoint = URL(string: "http://localhost:\(port)")!
      $0.addressing = .virtualHost
    }
    try await virtual.putObject(bucket: "lake", key: "vh/a b.txt", data: Data("hosted".utf8))
    let (data, _) = try await virtual.getObject(bucket: "lake", key: "vh/a b.txt")
    XCTAssertEqual(data, Data("hosted".utf8))
    var keys: [String] = []
    for try await object in virtual.list(bucket: "lake", prefix: "vh/") { keys.append(object.key) }
    XCTAssertEqual(keys, ["vh/a b.txt"])
    // And it really went to the bucket's host name: path-style reads the same object.
    let (again, _) = try await lake.getObject(bucket: "lake", key: "vh/a b.txt")
    XCTAssertEqual(again, data)
    let url = try virtual.presignedURL(bucket: "lake", key: "vh/a b.txt")
    XCTAssertEqual(url.host, "lake.localhost")
  }

  func testUnsignedClientIsRefusedByDefault() async throws {
    let anonymous = LakeClient(
      configuration: LakeClientConfiguration(endpoint: server.endpoint, credentials: nil))
    do {
      _ = try await anonymous.listBuckets()
      XCTFail("an unsigned request was accepted")
    } catch {
      XCTAssertEqual(error.code, "AccessDenied")
      XCTAssertEqual(error.status, 403)
    }
  }

  func testCancellingAnUploadAbortsIt() async throws {
    let body = testBytes(40 * 1024 * 1024)
    let lake = self.lake!
    let task = Task {
      try await lake.putObject(
        bucket: "lake", key: "cancelled.bin", chunks: Chunks(data: body, size: 1 << 20))
    }
    let deadline = Date().addingTimeInterval(20)
    while try await pendingUploads() == 0 {
      XCTAssertLessThan(Date(), deadline, "the upload never showed up as pending")
      if Date() > deadline { break }
      try await Task.sleep(nanoseconds: 5_000_000)
    }
    task.cancel()
    let result = await task.result
    guard case .failure(let error as LakeClientError) = result else {
      return XCTFail("the cancelled upload finished: \(result)")
    }
    XCTAssertEqual(error.kind, .cancelled)
    let uploads = try await pendingUploads()
    XCTAssertEqual(uploads, 0)
  }

  /// Multipart uploads still open in the bucket (counted with the CLI-free S3 call).
  private func pendingUploads() async throws -> Int {
    try await lake.multipartUploads(bucket: "lake").count
  }
}

/// Progress reports seen by a test.
final class ProgressLog: @unchecked Sendable {
  private let lock = NSLock()
  private var reports: [TransferProgress] = []
  func add(_ progress: TransferProgress) {
    lock.lock()
    reports.append(progress)
    lock.unlock()
  }
  var last: TransferProgress? {
    lock.lock()
    defer { lock.unlock() }
    return reports.max { $0.bytesDone < $1.bytesDone }
  }
}
