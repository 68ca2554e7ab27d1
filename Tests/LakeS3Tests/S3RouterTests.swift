import XCTest

@testable import LakeS3

final class S3RouterTests: XCTestCase {
  let router = S3Router(virtualHostDomains: ["localhost"])

  func route(
    _ method: String, _ target: String, host: String = "127.0.0.1:9000",
    headers: [String: String] = [:]
  ) throws -> S3Operation {
    let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
    return try router.route(
      method: method, rawPath: parts[0], rawQuery: parts.count > 1 ? parts[1] : nil, host: host,
      header: { headers[$0] })
  }

  func testTable() throws {
    var list = ListObjectsParameters()
    list.prefix = "a/"
    list.delimiter = "/"
    list.maxKeys = 1000
    var get = GetObjectParameters()
    get.responseOverrides = [ResponseOverride(header: "Content-Type", value: "text/plain")]
    var parts = ListPartsParameters(uploadID: "u1")
    parts.maxParts = 1000
    parts.partNumberMarker = 2
    var uploads = ListUploadsParameters()
    uploads.prefix = "a/"
    let cases: [(String, String, S3Operation)] = [
      ("GET", "/", .listBuckets(ListBucketsParameters())),
      ("PUT", "/lake", .createBucket(bucket: "lake")),
      ("PUT", "/lake/", .createBucket(bucket: "lake")),
      ("HEAD", "/lake", .headBucket(bucket: "lake")),
      ("DELETE", "/lake", .deleteBucket(bucket: "lake")),
      ("GET", "/lake?location", .getBucketLocation(bucket: "lake")),
      (
        "GET", "/lake?list-type=2&prefix=a%2F&delimiter=%2F&max-keys=5000",
        .listObjectsV2(bucket: "lake", list)
      ),
      ("GET", "/lake?prefix=a/&delimiter=/", .listObjectsV1(bucket: "lake", list)),
      ("PUT", "/lake/year%3D2024/x%20y.csv", .putObject(bucket: "lake", key: "year=2024/x y.csv")),
      ("PUT", "/lake/a+b", .putObject(bucket: "lake", key: "a+b")),
      ("PUT", "/lake//abs", .putObject(bucket: "lake", key: "/abs")),
      (
        "GET", "/lake/k?response-content-type=text%2Fplain",
        .getObject(bucket: "lake", key: "k", get)
      ),
      ("DELETE", "/lake/k", .deleteObject(bucket: "lake", key: "k")),
      ("GET", "/lake?versioning", .getBucketVersioning(bucket: "lake")),
      ("PUT", "/lake?versioning", .notImplemented("Bucket versioning", bucket: "lake", key: nil)),
      ("GET", "/lake?cors", .notImplemented("Bucket CORS", bucket: "lake", key: nil)),
      ("POST", "/lake?delete", .deleteObjects(bucket: "lake")),
      ("POST", "/lake/k?uploads", .createMultipartUpload(bucket: "lake", key: "k")),
      (
        "PUT", "/lake/k?partNumber=3&uploadId=u1",
        .uploadPart(bucket: "lake", key: "k", uploadID: "u1", partNumber: 3)
      ),
      (
        "POST", "/lake/k?uploadId=u1",
        .completeMultipartUpload(bucket: "lake", key: "k", uploadID: "u1")
      ),
      (
        "DELETE", "/lake/k?uploadId=u1",
        .abortMultipartUpload(bucket: "lake", key: "k", uploadID: "u1")
      ),
      (
        "GET", "/lake/k?uploadId=u1&max-parts=5000&part-number-marker=2",
        .listParts(bucket: "lake", key: "k", parts)
      ),
      ("GET", "/lake?uploads&prefix=a%2F", .listMultipartUploads(bucket: "lake", uploads)),
      ("PUT", "/lake/k?tagging", .putObjectTagging(bucket: "lake", key: "k")),
    ]
    for (method, target, expected) in cases {
      XCTAssertEqual(try route(method, target), expected, "\(method) \(target)")
    }
  }

  func testMultipartParameterErrors() {
    for target in [
      "/lake/k?partNumber=0&uploadId=u", "/lake/k?partNumber=10001&uploadId=u",
      "/lake/k?partNumber=x&uploadId=u", "/lake/k?uploadId=u",
    ] {
      XCTAssertThrowsError(try route("PUT", target), target) { error in
        XCTAssertEqual((error as? S3Error)?.code, .invalidArgument, target)
      }
    }
    XCTAssertThrowsError(try route("GET", "/lake?uploads&max-uploads=-1"))
    XCTAssertThrowsError(try route("PUT", "/lake/k?uploads")) { error in
      XCTAssertEqual((error as? S3Error)?.code, .methodNotAllowed)
    }
  }

  func testVirtualHostStyle() throws {
    XCTAssertEqual(
      try route("GET", "/dir/file.csv", host: "lake.localhost:9000"),
      .getObject(bucket: "lake", key: "dir/file.csv", GetObjectParameters()))
    XCTAssertEqual(try route("GET", "/?list-type=2", host: "lake.localhost").bucket, "lake")
  }

  func testCopyHeaderIsNotSilentlyAPut() throws {
    XCTAssertEqual(
      try route("PUT", "/lake/k", headers: ["x-amz-copy-source": "/lake/j"]),
      .copyObject(bucket: "lake", key: "k"))
    XCTAssertEqual(
      try route(
        "PUT", "/lake/k?partNumber=2&uploadId=u", headers: ["x-amz-copy-source": "/lake/j"]),
      .uploadPartCopy(bucket: "lake", key: "k", uploadID: "u", partNumber: 2))
  }

  func testBadInput() {
    XCTAssertThrowsError(try route("GET", "/lake/%zz")) {
      XCTAssertEqual(($0 as? S3Error)?.status, 400)
    }
    // S3 takes max-keys as a 32-bit signed integer (issue 11: numbers past it are refused).
    for text in ["-1", "2147483648", "9223372036854775808", "99999999999999999999", "+5", "1e3"] {
      XCTAssertThrowsError(try route("GET", "/lake?list-type=2&max-keys=\(text)"), text) {
        XCTAssertEqual(($0 as? S3Error)?.code, .invalidArgument)
      }
    }
    XCTAssertNoThrow(try route("GET", "/lake?list-type=2&max-keys=2147483647"))
    XCTAssertThrowsError(try route("GET", "/lake?encoding-type=base64")) {
      XCTAssertEqual(($0 as? S3Error)?.code, .invalidArgument)
    }
    XCTAssertThrowsError(try route("PATCH", "/lake/k")) {
      XCTAssertEqual(($0 as? S3Error)?.code, .methodNotAllowed)
    }
  }

  /// Found by the `router` fuzz target: `//key` routed to bucket "".
  func testEmptyBucketSegmentIsRefused() {
    for target in ["//buc=bucocalhost", "//", "//a/b", "/%2F/k"] {
      XCTAssertThrowsError(try route("GET", target), target) {
        XCTAssertEqual(($0 as? S3Error)?.code, .invalidBucketName, target)
      }
    }
  }
}
