import Foundation
import XCTest

@testable import LakeS3

/// Round trips of the listing documents: encode, parse, decode gives the value back.
final class ListingDocumentTests: XCTestCase {
  private func objects(_ keys: [String], owner: S3Owner? = nil) -> [ListBucketResult.Object] {
    keys.enumerated().map { index, key in
      ListBucketResult.Object(
        key: key, lastModified: index % 2 == 0 ? Sample.date : Sample.otherDate,
        etag: "9b2cf535f27731c974343645a3985328" + (index % 3 == 0 ? "-12" : ""),
        size: Int64(index) * 1_000_000_007, owner: owner)
    }
  }

  func testListObjectsV2RoundTrips() {
    assertRoundTrip(ListBucketResult(name: "bucket", keyCount: 0))
    assertRoundTrip(ListBucketResult(name: "bucket", maxKeys: 0, keyCount: 0))
    for url in [false, true] {
      let keys = url ? Sample.keys + Sample.urlOnlyKeys : Sample.keys
      let page = ListBucketResult(
        name: "bucket", prefix: url ? "ünï cø\u{1}/" : "ünï cø/", delimiter: "/",
        maxKeys: 7, isTruncated: true, encodingTypeURL: url, keyCount: keys.count + 2,
        continuationToken: "AWtleS8x", nextContinuationToken: "AXplZC8-_w",
        startAfter: url ? "a b+c%\u{2}" : "a b+c%", contents: objects(keys, owner: Sample.owner),
        commonPrefixes: url ? ["x y/", "\u{3}/"] : ["x y/", "&<>/"])
      assertRoundTrip(page)
      XCTAssertEqual(page.version, 2)
    }
  }

  func testListObjectsV1RoundTrips() {
    assertRoundTrip(ListBucketResult(name: "bucket", marker: ""))
    for url in [false, true] {
      let keys = url ? Sample.keys + Sample.urlOnlyKeys : Sample.keys
      let page = ListBucketResult(
        name: "bucket", prefix: "p r%20e&", delimiter: url ? "\u{4}" : " ", maxKeys: 1000,
        isTruncated: true, encodingTypeURL: url, marker: url ? "m\u{5}" : "m&<",
        nextMarker: url ? "n\u{6}" : "n ", contents: objects(keys, owner: Sample.owner),
        commonPrefixes: ["a/", "b c/"])
      assertRoundTrip(page)
      XCTAssertEqual(page.version, 1)
    }
  }

  /// V1 answers leave `Prefix` alone with `encoding-type=url` (AWS does, botocore's V1
  /// handler does not decode it); V2 answers encode it.
  func testPrefixIsEncodedInV2AnswersOnly() throws {
    let v1 = ListBucketResult(name: "b", prefix: "é %", encodingTypeURL: true, marker: "")
    XCTAssertTrue(v1.xml().result.contains("<Prefix>é %</Prefix>"))
    var v2 = v1
    v2.marker = nil
    v2.keyCount = 0
    XCTAssertTrue(v2.xml().result.contains("<Prefix>%C3%A9%20%25</Prefix>"))
    XCTAssertEqual(try ListBucketResult(bytes: v2.xml().bytes).prefix, "é %")
  }

  func testListVersionsRoundTrips() {
    assertRoundTrip(ListVersionsResult(name: "bucket"))
    for url in [false, true] {
      let keys = url ? Sample.keys + Sample.urlOnlyKeys : Sample.keys
      let versions = keys.enumerated().map { index, key in
        ListVersionsResult.Version(
          key: key, isLatest: index != 1, lastModified: Sample.date, etag: "e\(index)",
          size: Int64(index), owner: index == 2 ? nil : Sample.owner)
      }
      assertRoundTrip(
        ListVersionsResult(
          name: "bucket", prefix: url ? "\u{7}p " : "p ", keyMarker: url ? "k\u{8}" : "k&",
          versionIdMarker: "", nextKeyMarker: url ? "n\u{1}" : "n", nextVersionIdMarker: "null",
          maxKeys: 2, delimiter: "/", encodingTypeURL: url, isTruncated: true,
          versions: versions, commonPrefixes: ["c/", url ? "\u{2}/" : "d e/"]))
    }
  }

  func testListAllMyBucketsRoundTrips() {
    assertRoundTrip(ListAllMyBucketsResult(owner: Sample.owner))
    assertRoundTrip(ListAllMyBucketsResult(owner: S3Owner(id: "id", displayName: nil)))
    let buckets = ["a-bucket", "b.bucket", "c"].map {
      ListAllMyBucketsResult.Bucket(name: $0, creationDate: Sample.date, bucketRegion: "eu-west-1")
    }
    assertRoundTrip(
      ListAllMyBucketsResult(
        owner: Sample.owner,
        buckets: buckets + [.init(name: "d", creationDate: Sample.otherDate)],
        continuationToken: "AWJrMw", prefix: "a&"))
  }

  func testListMultipartUploadsRoundTrips() {
    assertRoundTrip(ListMultipartUploadsResult(bucket: "bucket"))
    for url in [false, true] {
      let keys = url ? Sample.keys + Sample.urlOnlyKeys : Sample.keys
      let uploads = keys.enumerated().map { index, key in
        ListMultipartUploadsResult.Upload(
          key: key, uploadId: "upload-\(index)", initiator: Sample.owner, owner: Sample.owner,
          initiated: Sample.otherDate, checksumAlgorithm: index == 0 ? .crc32c : nil,
          checksumType: index == 0 ? .fullObject : nil)
      }
      assertRoundTrip(
        ListMultipartUploadsResult(
          bucket: "bucket", keyMarker: url ? "k\u{1}" : "k ", uploadIdMarker: "u",
          nextKeyMarker: url ? "n\u{2}" : "n<", nextUploadIdMarker: "nu",
          delimiter: url ? "\u{3}" : "/", prefix: url ? "p\u{4}" : "p%", encodingTypeURL: url,
          maxUploads: 3, isTruncated: true, uploads: uploads, commonPrefixes: ["a b/"]))
    }
  }

  func testListPartsRoundTrips() {
    assertRoundTrip(ListPartsResult(bucket: "b", key: "k", uploadId: "u"))
    let parts = (1...5).map { number in
      ListPartsResult.Part(
        partNumber: number, lastModified: number % 2 == 0 ? Sample.date : Sample.otherDate,
        etag: "etag\(number)", size: Int64(number) << 33,
        checksum: number == 5 ? nil : ChecksumValue(algorithm: .sha256, value: "v\(number)="))
    }
    assertRoundTrip(
      ListPartsResult(
        bucket: "b", key: "k &<>\t", uploadId: "u", initiator: Sample.owner,
        owner: S3Owner(id: "o", displayName: nil), checksumAlgorithm: .sha256,
        checksumType: .composite, partNumberMarker: 2, nextPartNumberMarker: 7, maxParts: 5,
        isTruncated: true, parts: parts))
  }
}
