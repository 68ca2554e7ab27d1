import Foundation
import XCTest

@testable import LakeS3

/// Values the document tests share.
enum Sample {
  /// A date with a millisecond `Date(ms / 1000)` holds just below (so it only survives a round
  /// trip when the writer rounds), as the catalog hands them out.
  static let date = Date(timeIntervalSince1970: Double(1_700_000_000_001) / 1000)
  static let otherDate = Date(timeIntervalSince1970: Double(1_262_304_000_999) / 1000)
  static let owner = S3Owner(id: String(repeating: "ab", count: 32), displayName: "lakestore")

  /// Keys any XML document can carry.
  static let keys = [
    "plain.txt", "with space", "ünïcødé/日本語/ファイル", "a&b<c>d\"e'f", "emoji 😀/x", "slash/a/b/",
    "plus+sign", "percent%20literal", "tab\tand\nnewline", "",
  ]

  /// Keys only percent-encoding can carry: control characters XML 1.0 does not allow.
  static let urlOnlyKeys = ["ctl\u{1}\u{1F}x", "nul\u{0}byte", "cr\r\u{7F}", "esc\u{1B}[0m"]
}

/// Encodes `value`, parses the bytes with `XMLReader` and decodes: the result must equal it.
func assertRoundTrip<D: S3Document>(
  _ value: D, file: StaticString = #filePath, line: UInt = #line
) {
  let bytes = value.xml().bytes
  do {
    let decoded = try D(bytes: bytes)
    XCTAssertEqual(decoded, value, String(decoding: bytes, as: UTF8.self), file: file, line: line)
  } catch {
    XCTFail("\(error)\n\(String(decoding: bytes, as: UTF8.self))", file: file, line: line)
  }
}

/// Decodes `text` as a `D`, failing the test on an error.
func decode<D: S3Document>(
  _ type: D.Type, _ text: String, file: StaticString = #filePath, line: UInt = #line
) throws -> D {
  do {
    return try D(bytes: Array(text.utf8))
  } catch {
    XCTFail("\(error)", file: file, line: line)
    throw error
  }
}

/// Asserts that decoding `text` as a `D` throws exactly `expected`.
func assertDecodeError<D: S3Document>(
  _ type: D.Type, _ text: String, _ expected: S3DocumentError,
  file: StaticString = #filePath, line: UInt = #line
) {
  do {
    let value = try D(bytes: Array(text.utf8))
    XCTFail("decoded \(value), expected \(expected)", file: file, line: line)
  } catch {
    XCTAssertEqual(error, expected, file: file, line: line)
  }
}

/// Every document type, for tests that feed each one the same trees.
let documentTypes: [any S3Document.Type] = [
  ListBucketResult.self, ListVersionsResult.self, ListAllMyBucketsResult.self,
  LocationConstraint.self, CreateBucketConfiguration.self, VersioningConfiguration.self,
  DeleteRequest.self, DeleteResult.self, InitiateMultipartUploadResult.self,
  CompleteMultipartUpload.self, CompleteMultipartUploadResult.self, CopyObjectResult.self,
  CopyPartResult.self, ListPartsResult.self, ListMultipartUploadsResult.self,
  GetObjectAttributesResponse.self, S3ErrorDocument.self,
]

/// One populated document of every type, and trees of odd shapes (empty roots, roots with
/// text, elements with children where text is expected).
func allSampleDocuments() -> [[UInt8]] {
  let values: [any S3Document] = [
    ListBucketResult(
      name: "b", encodingTypeURL: true, keyCount: 1,
      contents: [.init(key: "k", lastModified: Sample.date, etag: "e", size: 1)],
      commonPrefixes: ["p/"]),
    ListVersionsResult(
      name: "b", versions: [.init(key: "k", lastModified: Sample.date, etag: "e", size: 1)]),
    ListAllMyBucketsResult(
      owner: Sample.owner, buckets: [.init(name: "b", creationDate: Sample.date)]),
    LocationConstraint(locationConstraint: "r"), CreateBucketConfiguration(locationConstraint: "r"),
    VersioningConfiguration(status: "Enabled"), DeleteRequest(objects: [.init(key: "k")]),
    DeleteResult(deleted: [.init(key: "k")], errors: [.init(key: "e", code: "C", message: "M")]),
    InitiateMultipartUploadResult(bucket: "b", key: "k", uploadId: "u"),
    CompleteMultipartUpload(parts: [.init(partNumber: 1, etag: "e", checksums: [.crc32: "c"])]),
    CompleteMultipartUploadResult(location: "l", bucket: "b", key: "k", etag: "e"),
    CopyObjectResult(etag: "e", lastModified: Sample.date),
    CopyPartResult(etag: "e", lastModified: Sample.date),
    ListPartsResult(
      bucket: "b", key: "k", uploadId: "u",
      parts: [.init(partNumber: 1, lastModified: Sample.date, etag: "e", size: 1)]),
    ListMultipartUploadsResult(
      bucket: "b", uploads: [.init(key: "k", uploadId: "u", initiated: Sample.date)]),
    GetObjectAttributesResponse(etag: "e", objectParts: .init(totalPartsCount: 1)),
    S3ErrorDocument(code: "C", message: "M"),
  ]
  var documents = values.map { $0.xml().bytes }
  for type in documentTypes {
    let root = type.rootElement
    documents.append(Array("<\(root)/>".utf8))
    documents.append(
      Array("<\(root)>text<Name><x/></Name><Contents/><Part/><Object/></\(root)>".utf8))
  }
  return documents
}
