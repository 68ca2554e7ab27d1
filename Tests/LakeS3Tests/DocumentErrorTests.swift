import Foundation
import XCTest

@testable import LakeS3

/// Bad documents give the right `S3DocumentError` (never a trap), and the server's request
/// rules give the S3 errors it has always answered.
final class DocumentErrorTests: XCTestCase {
  private let ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""

  func testWrongRootAndMalformedBytes() {
    assertDecodeError(
      ListBucketResult.self, "<ListAllMyBucketsResult/>",
      .wrongRoot(expected: "ListBucketResult", found: "ListAllMyBucketsResult"))
    assertDecodeError(
      CompleteMultipartUploadResult.self, "<Error><Code>InternalError</Code></Error>",
      .wrongRoot(expected: "CompleteMultipartUploadResult", found: "Error"))
    assertDecodeError(
      S3ErrorDocument.self, "<DeleteResult/>", .wrongRoot(expected: "Error", found: "DeleteResult"))
    assertDecodeError(
      DeleteRequest.self, "<Delete><Object>", .malformed(reason: "unexpected end of document"))
    XCTAssertEqual(
      S3DocumentError.missing(element: "Key", in: "Contents").description,
      "<Contents> has no <Key>")
  }

  func testMissingRequiredElements() {
    let contents =
      "<LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>\"e\"</ETag><Size>1</Size>"
      + "<StorageClass>STANDARD</StorageClass>"
    assertDecodeError(
      ListBucketResult.self,
      "<ListBucketResult \(ns)><Name>b</Name><MaxKeys>1</MaxKeys><IsTruncated>false</IsTruncated>"
        + "<Contents>\(contents)</Contents></ListBucketResult>",
      .missing(element: "Key", in: "Contents"))
    assertDecodeError(
      ListBucketResult.self,
      "<ListBucketResult><Name>b</Name><MaxKeys>1</MaxKeys></ListBucketResult>",
      .missing(element: "IsTruncated", in: "ListBucketResult"))
    assertDecodeError(
      ListAllMyBucketsResult.self, "<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>",
      .missing(element: "Owner", in: "ListAllMyBucketsResult"))
    assertDecodeError(
      ListAllMyBucketsResult.self,
      "<ListAllMyBucketsResult><Owner><DisplayName>x</DisplayName></Owner></ListAllMyBucketsResult>",
      .missing(element: "ID", in: "Owner"))
    assertDecodeError(
      DeleteRequest.self, "<Delete><Object><VersionId>null</VersionId></Object></Delete>",
      .missing(element: "Key", in: "Object"))
    assertDecodeError(
      CompleteMultipartUpload.self,
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
      .missing(element: "ETag", in: "Part"))
    assertDecodeError(
      DeleteResult.self, "<DeleteResult><Error><Key>k</Key></Error></DeleteResult>",
      .missing(element: "Code", in: "Error"))
    assertDecodeError(S3ErrorDocument.self, "<Error/>", .missing(element: "Code", in: "Error"))
    assertDecodeError(
      InitiateMultipartUploadResult.self,
      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key></InitiateMultipartUploadResult>",
      .missing(element: "UploadId", in: "InitiateMultipartUploadResult"))
  }

  func testInvalidValues() {
    let page = { (maxKeys: String, size: String, truncated: String, date: String) in
      "<ListBucketResult><Name>b</Name><MaxKeys>\(maxKeys)</MaxKeys>"
        + "<IsTruncated>\(truncated)</IsTruncated><Contents><Key>k</Key>"
        + "<LastModified>\(date)</LastModified><ETag>e</ETag><Size>\(size)</Size>"
        + "<StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>"
    }
    let date = "2009-10-12T17:50:30.000Z"
    XCTAssertNoThrow(try ListBucketResult(bytes: Array(page(" 1\n", "\t2 ", "true", date).utf8)))
    assertDecodeError(
      ListBucketResult.self, page("many", "1", "true", date),
      .invalid(element: "MaxKeys", value: "many"))
    assertDecodeError(
      ListBucketResult.self, page("1", "1.5", "true", date), .invalid(element: "Size", value: "1.5")
    )
    assertDecodeError(
      ListBucketResult.self, page("1", "99999999999999999999", "true", date),
      .invalid(element: "Size", value: "99999999999999999999"))
    assertDecodeError(
      ListBucketResult.self, page("1", "1", "yes", date),
      .invalid(element: "IsTruncated", value: "yes"))
    assertDecodeError(
      ListBucketResult.self, page("1", "1", "true", "yesterday"),
      .invalid(element: "LastModified", value: "yesterday"))
    assertDecodeError(
      ListBucketResult.self,
      "<ListBucketResult><Name>b</Name><EncodingType>url</EncodingType><MaxKeys>1</MaxKeys>"
        + "<IsTruncated>false</IsTruncated><CommonPrefixes><Prefix>a%zz</Prefix></CommonPrefixes>"
        + "</ListBucketResult>",
      .invalid(element: "Prefix", value: "a%zz"))
    assertDecodeError(
      ListBucketResult.self,
      "<ListBucketResult><Name>b</Name><EncodingType>url</EncodingType><MaxKeys>1</MaxKeys>"
        + "<IsTruncated>false</IsTruncated><Contents><Key>%C3%28</Key></Contents>"
        + "</ListBucketResult>",
      .invalid(element: "Key", value: "%C3%28"))
    assertDecodeError(
      ListBucketResult.self,
      "<ListBucketResult><EncodingType>gzip</EncodingType></ListBucketResult>",
      .invalid(element: "EncodingType", value: "gzip"))
    assertDecodeError(
      CompleteMultipartUpload.self,
      "<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>e</ETag></Part>"
        + "</CompleteMultipartUpload>",
      .invalid(element: "PartNumber", value: "one"))
    assertDecodeError(
      ListPartsResult.self,
      "<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId>"
        + "<StorageClass>S</StorageClass><ChecksumType>SOME</ChecksumType></ListPartsResult>",
      .invalid(element: "ChecksumType", value: "SOME"))
  }

  /// The server's reading of DeleteObjects bodies: MalformedXML for every bad body, 1 to
  /// 1,000 objects, `Quiet` true only for `true` in any case and spacing.
  func testDeleteRequestValidation() throws {
    func body(_ objects: Int, key: Bool = true, quiet: String? = nil) -> [UInt8] {
      let object =
        key ? "<Object><Key>k</Key></Object>" : "<Object><VersionId>v</VersionId></Object>"
      let q = quiet.map { "<Quiet>\($0)</Quiet>" } ?? ""
      return Array("<Delete \(ns)>\(q)\(String(repeating: object, count: objects))</Delete>".utf8)
    }
    let malformed = S3Error(.malformedXML)
    for bad in [
      body(0), body(1001), body(1, key: false), Array("<Other/>".utf8), Array("<Delete>".utf8),
      Array("<s3:Delete><Object><Key>k</Key></Object></s3:Delete".utf8),
    ] {
      XCTAssertThrowsError(try DeleteRequest(validating: bad)) {
        XCTAssertEqual($0 as? S3Error, malformed, String(decoding: bad, as: UTF8.self))
      }
    }
    XCTAssertEqual(try DeleteRequest(validating: body(1000)).objects.count, 1000)
    XCTAssertEqual(try DeleteRequest(validating: body(1, quiet: " TRUE ")).quiet, true)
    XCTAssertEqual(try DeleteRequest(validating: body(1, quiet: "yes")).quiet, false)
    XCTAssertEqual(try DeleteRequest(validating: body(1, quiet: "\ntrue")).quiet, false)
    let versioned = try DeleteRequest(
      validating: Array(
        "<Delete><Object><Key> a&amp;b </Key><VersionId></VersionId></Object></Delete>".utf8))
    XCTAssertEqual(versioned.objects, [.init(key: " a&b ", versionId: "")])
  }

  /// The server's reading of CreateBucket bodies: an empty or absent constraint is nil, the
  /// text is otherwise kept as sent (the server compares it with its region).
  func testCreateBucketConfigurationValidation() throws {
    func body(_ inner: String) -> [UInt8] {
      Array("<CreateBucketConfiguration \(ns)>\(inner)</CreateBucketConfiguration>".utf8)
    }
    XCTAssertNil(try CreateBucketConfiguration(validating: body("")).locationConstraint)
    XCTAssertNil(
      try CreateBucketConfiguration(validating: body("<LocationConstraint/>")).locationConstraint)
    XCTAssertEqual(
      try CreateBucketConfiguration(
        validating: body("<LocationConstraint> eu-west-1 </LocationConstraint>")
      ).locationConstraint, " eu-west-1 ")
    for bad in ["<Other/>", "<CreateBucketConfiguration>", "not xml"] {
      XCTAssertThrowsError(try CreateBucketConfiguration(validating: Array(bad.utf8))) {
        XCTAssertEqual($0 as? S3Error, S3Error(.malformedXML), bad)
      }
    }
  }

  /// The server's reading of CompleteMultipartUpload bodies.
  func testCompleteMultipartUploadValidation() throws {
    func body(_ parts: String) -> [UInt8] {
      Array("<CompleteMultipartUpload \(ns)>\(parts)</CompleteMultipartUpload>".utf8)
    }
    let part = { (number: String) in "<Part><PartNumber>\(number)</PartNumber><ETag>e</ETag></Part>"
    }
    for bad in ["x", "0", "10001", "-1", "1.0", ""] {
      XCTAssertThrowsError(try CompleteMultipartUpload(validating: body(part("1") + part(bad)))) {
        XCTAssertEqual($0 as? S3Error, S3Error(.malformedXML), bad)
        XCTAssertEqual(($0 as? S3Error)?.message, S3ErrorCode.malformedXML.defaultMessage)
      }
    }
    XCTAssertThrowsError(try CompleteMultipartUpload(validating: body("<Other/>"))) {
      XCTAssertEqual(($0 as? S3Error)?.code, .malformedXML)
      XCTAssertTrue(
        ($0 as? S3Error)?.message.hasSuffix("a Complete needs at least one part.") ?? false)
    }
    let parsed = try CompleteMultipartUpload(
      validating: body(
        part(" 10000\n") + part("+2")
          + "<Part><ChecksumSHA256> s </ChecksumSHA256><ChecksumCRC32>c</ChecksumCRC32>"
          + "<ETag>\"q\"</ETag><PartNumber>3</PartNumber></Part>"))
    XCTAssertEqual(parsed.parts.map(\.partNumber), [10000, 2, 3])
    XCTAssertEqual(parsed.parts[2].etag, "\"q\"")
    XCTAssertEqual(parsed.parts[2].checksums, [.sha256: "s", .crc32: "c"])
    XCTAssertEqual(parsed.parts[2].checksum, ChecksumValue(algorithm: .sha256, value: "s"))
    XCTAssertNil(parsed.parts[0].checksum)
  }

  /// No document type traps on a tree of the wrong shape: every type is fed every other
  /// type's document and a few odd trees.
  func testEveryTypeRefusesEveryOtherDocumentWithoutTrapping() throws {
    var decoded = 0
    for bytes in allSampleDocuments() {
      let root = try XMLReader.parse(bytes)
      for type in documentTypes where (try? type.init(xml: root)) != nil {
        XCTAssertEqual(type.rootElement, root.name)
        decoded += 1
      }
    }
    XCTAssertGreaterThanOrEqual(decoded, documentTypes.count)
  }
}
