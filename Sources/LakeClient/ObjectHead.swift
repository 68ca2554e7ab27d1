import Foundation
import LakeS3

/// What HEAD (or the head of a GET) says about an object.
public struct ObjectHead: Sendable, Equatable {
  /// The whole object's size in bytes (not the size of a range).
  public var size: Int64
  /// The entity tag, without quotes.
  public var etag: String
  public var lastModified: Date?
  public var contentType: String?
  /// User metadata (`x-amz-meta-*`), names in lower case without the prefix.
  public var metadata: [String: String]
  /// Additional checksums the service reports, base64 as S3 sends them.
  public var checksums: [ChecksumAlgorithm: String]
  /// `FULL_OBJECT` or `COMPOSITE`, when a checksum is reported.
  public var checksumType: String?

  public init(
    size: Int64, etag: String, lastModified: Date? = nil, contentType: String? = nil,
    metadata: [String: String] = [:], checksums: [ChecksumAlgorithm: String] = [:],
    checksumType: String? = nil
  ) {
    self.size = size
    self.etag = etag
    self.lastModified = lastModified
    self.contentType = contentType
    self.metadata = metadata
    self.checksums = checksums
    self.checksumType = checksumType
  }

  /// Reads the headers of a 200 or 206 answer; the size comes from `Content-Range` when the
  /// answer is a range.
  init(headers: [String: String]) throws(LakeClientError) {
    var size: Int64?
    if let range = headers["content-range"], let slash = range.lastIndex(of: "/") {
      size = Int64(range[range.index(after: slash)...])
    } else if let length = headers["content-length"] {
      size = Int64(length)
    }
    guard let size else { throw .invalidResponse("the answer gives no object size") }
    self.size = size
    self.etag = ETag.unquote(headers["etag"] ?? "")
    self.lastModified = headers["last-modified"].flatMap(S3Date.parseHTTPDate)
    self.contentType = headers["content-type"]
    var metadata: [String: String] = [:]
    var checksums: [ChecksumAlgorithm: String] = [:]
    for (name, value) in headers {
      if name.hasPrefix("x-amz-meta-") {
        metadata[String(name.dropFirst("x-amz-meta-".count))] = value
      }
    }
    for algorithm in ChecksumAlgorithm.allCases {
      if let value = headers[algorithm.headerName] { checksums[algorithm] = value }
    }
    self.metadata = metadata
    self.checksums = checksums
    self.checksumType = headers["x-amz-checksum-type"]
  }
}

/// How a PUT (or an upload) is sent.
public struct PutOptions: Sendable {
  /// `Content-Type` of the object; S3 stores `binary/octet-stream` when none is given.
  public var contentType: String?
  /// User metadata, sent as `x-amz-meta-NAME`.
  public var metadata: [String: String]
  /// `"*"` makes the PUT fail with `PreconditionFailed` if the key exists: a retried
  /// ingestion job never overwrites what an earlier run wrote.
  public var ifNoneMatch: String?
  /// The PUT succeeds only if the key's current ETag is this one.
  public var ifMatch: String?
  /// The full-object checksum computed while reading the source and sent in its
  /// `x-amz-checksum-*` header (the service verifies it); nil sends none. Default CRC64NVME.
  public var checksum: ChecksumAlgorithm?
  /// Object tags, sent as `x-amz-tagging`.
  public var tags: [String: String]
  /// For multipart uploads of files: keep a journal beside the file (`.NAME.lakeupload`) so
  /// that, if the process dies mid-upload, the next upload of the unchanged file to the same
  /// key sends only the parts the service does not hold yet. An upload that fails or is
  /// cancelled in the process is still aborted, and its journal removed.
  public var resumable: Bool

  public init(
    contentType: String? = nil, metadata: [String: String] = [:], ifNoneMatch: String? = nil,
    ifMatch: String? = nil, checksum: ChecksumAlgorithm? = .crc64nvme, tags: [String: String] = [:],
    resumable: Bool = false
  ) {
    self.resumable = resumable
    self.contentType = contentType
    self.metadata = metadata
    self.ifNoneMatch = ifNoneMatch
    self.ifMatch = ifMatch
    self.checksum = checksum
    self.tags = tags
  }

  /// The headers every PUT-like request of these options sends (not the checksum).
  var headers: [(name: String, value: String)] {
    var headers: [(name: String, value: String)] = []
    if let contentType { headers.append(("content-type", contentType)) }
    for (name, value) in metadata.sorted(by: { $0.key < $1.key }) {
      headers.append(("x-amz-meta-" + name.lowercased(), value))
    }
    if !tags.isEmpty { headers.append(("x-amz-tagging", ObjectTagging.header(tags))) }
    return headers
  }
}

/// What a finished upload reports.
public struct PutResult: Sendable, Equatable {
  /// The new object's ETag, without quotes.
  public var etag: String
  /// The full-object checksum sent and verified, base64, when one was sent.
  public var checksum: String?
  /// Bytes uploaded.
  public var size: Int64
}
