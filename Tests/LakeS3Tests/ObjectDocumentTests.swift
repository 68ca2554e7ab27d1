import Foundation
import XCTest

@testable import LakeS3

/// Round trips of the bucket, delete, multipart, copy, attributes and error documents, and
/// the server's request-document rules (`init(validating:)`).
final class ObjectDocumentTests: XCTestCase {
  func testBucketConfigurationsRoundTrip() {
    assertRoundTrip(LocationConstraint(locationConstraint: nil))
    assertRoundTrip(LocationConstraint(locationConstraint: "eu-west-1"))
    assertRoundTrip(CreateBucketConfiguration(locationConstraint: nil))
    assertRoundTrip(CreateBucketConfiguration(locationConstraint: " eu-west-1 "))
    assertRoundTrip(VersioningConfiguration())
    assertRoundTrip(VersioningConfiguration(status: "Enabled", mfaDelete: "Disabled"))
    // An empty constraint has no document of its own: it reads back as nil.
    XCTAssertEqual(
      try LocationConstraint(bytes: LocationConstraint(locationConstraint: "").xml().bytes),
      LocationConstraint(locationConstraint: nil))
  }

  func testDeleteDocumentsRoundTrip() {
    assertRoundTrip(DeleteRequest(objects: []))
    let objects = Sample.keys.enumerated().map { index, key in
      DeleteRequest.Object(key: key, versionId: index % 3 == 0 ? "null" : nil)
    }
    assertRoundTrip(DeleteRequest(objects: objects))
    assertRoundTrip(DeleteRequest(objects: objects, quiet: true))
    assertRoundTrip(DeleteResult())
    let result = DeleteResult(entries: [
      .deleted(.init(key: "a b")), .error(.init(key: "k&", code: "KeyTooLongError", message: "")),
      .deleted(.init(key: "v", versionId: "null", deleteMarker: true, deleteMarkerVersionId: "m")),
      .error(.init(key: "", versionId: "v1", code: "InvalidArgument", message: "Invalid <id>")),
    ])
    assertRoundTrip(result)
    XCTAssertEqual(result.deleted.map(\.key), ["a b", "v"])
    XCTAssertEqual(result.errors.map(\.key), ["k&", ""])
    let split = DeleteResult(deleted: result.deleted, errors: result.errors)
    XCTAssertEqual(split.entries.count, 4)
    assertRoundTrip(split)
  }

  func testMultipartDocumentsRoundTrip() {
    assertRoundTrip(InitiateMultipartUploadResult(bucket: "b", key: "k &<é>", uploadId: "u-1"))
    assertRoundTrip(CompleteMultipartUpload(parts: []))
    let parts = (1...4).map { number in
      CompleteMultipartUpload.Part(
        partNumber: number, etag: number % 2 == 0 ? "\"e\(number)\"" : "e\(number)",
        checksums: number == 3 ? [.crc32: "AAAAAA==", .sha1: "x"] : [:])
    }
    assertRoundTrip(CompleteMultipartUpload(parts: parts))
    XCTAssertEqual(parts[2].checksum, ChecksumValue(algorithm: .sha1, value: "x"))
    assertRoundTrip(
      CompleteMultipartUploadResult(
        location: "http://h/b/k%20", bucket: "b", key: "k ", etag: "e-4"))
    assertRoundTrip(
      CompleteMultipartUploadResult(
        location: "l", bucket: "b", key: "k", etag: "e-4",
        checksum: ChecksumValue(algorithm: .crc64nvme, value: "AAAAAAAAAAA="),
        checksumType: .fullObject))
  }

  func testCopyAndAttributeDocumentsRoundTrip() {
    assertRoundTrip(CopyObjectResult(etag: "e", lastModified: Sample.date))
    assertRoundTrip(
      CopyObjectResult(
        etag: "e-2", lastModified: Sample.otherDate,
        checksum: ChecksumValue(algorithm: .crc32, value: "kwMlOw==-3"), checksumType: .composite))
    assertRoundTrip(CopyPartResult(etag: "e", lastModified: Sample.date))
    assertRoundTrip(
      CopyPartResult(
        etag: "e", lastModified: Sample.date,
        checksum: ChecksumValue(algorithm: .crc32c, value: "c=")))
    assertRoundTrip(GetObjectAttributesResponse())
    assertRoundTrip(GetObjectAttributesResponse(checksumType: .composite))
    let parts = (1...3).map {
      GetObjectAttributesResponse.Part(
        partNumber: $0, size: Int64($0),
        checksum: $0 == 2 ? nil : ChecksumValue(algorithm: .crc32, value: "p\($0)"))
    }
    assertRoundTrip(
      GetObjectAttributesResponse(
        etag: "d7fa2beaad5519253b2aec7a5ac19459-3",
        checksum: ChecksumValue(algorithm: .crc32, value: "kwMlOw==-3"), checksumType: .composite,
        objectParts: .init(
          totalPartsCount: 3, partNumberMarker: 0, nextPartNumberMarker: 3, maxParts: 1000,
          isTruncated: false, parts: parts),
        storageClass: "STANDARD", objectSize: 17))
    assertRoundTrip(
      GetObjectAttributesResponse(objectParts: .init(totalPartsCount: 3, partNumberMarker: 5)))
  }

  func testErrorDocumentRoundTripsAndAgreesWithS3Error() throws {
    assertRoundTrip(S3ErrorDocument(code: "NoSuchKey", message: ""))
    assertRoundTrip(
      S3ErrorDocument(
        code: "InvalidArgument", message: "bad <arg> & co", requestID: "4442587FB7D0A2F9",
        resource: "/b/k", hostID: "host/id+=",
        extra: [.init(name: "ArgumentName", value: "x"), .init(name: "ArgumentValue", value: "")]))
    let error = S3Error(
      .noSuchBucket, "The bucket <b&> is gone", resource: "/b&/k",
      extra: [("BucketName", "b&"), ("Key", "k '\"")])
    let text = error.xml(requestID: "REQ1")
    let document = try S3ErrorDocument(bytes: Array(text.utf8))
    XCTAssertEqual(document.code, "NoSuchBucket")
    XCTAssertEqual(document.message, error.message)
    XCTAssertEqual(document.resource, "/b&/k")
    XCTAssertEqual(document.requestID, "REQ1")
    XCTAssertNil(document.hostID)
    XCTAssertEqual(
      document.extra, [.init(name: "BucketName", value: "b&"), .init(name: "Key", value: "k '\"")])
    XCTAssertEqual(document, S3ErrorDocument(error, requestID: "REQ1"))
    XCTAssertEqual(document.xml().result, text)
    let bare = try S3ErrorDocument(bytes: Array(S3Error(.accessDenied).xml(requestID: "r").utf8))
    XCTAssertEqual(bare.code, "AccessDenied")
    XCTAssertEqual(bare.message, "Access Denied")
    XCTAssertNil(bare.resource)
    XCTAssertEqual(bare.extra, [])
  }
}
