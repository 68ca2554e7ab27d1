import Foundation

/// A multipart upload that was created and neither completed nor aborted yet.
public struct MultipartUpload: Sendable, Equatable {
  /// The upload ID LakeStore chose (64 lowercase hex digits).
  public var id: String
  public var bucket: String
  public var key: String
  /// When CreateMultipartUpload committed, to the millisecond.
  public var initiated: Date
  /// Headers, user metadata and tags from the Create call; the completed object gets them.
  public var metadata: ObjectMetadata
  /// The checksum algorithm the client announced at Create (`CRC32`…), if any.
  public var checksumAlgorithm: String?
  /// `COMPOSITE` or `FULL_OBJECT` when `checksumAlgorithm` is set.
  public var checksumType: String?

  public init(
    id: String, bucket: String, key: String, initiated: Date, metadata: ObjectMetadata,
    checksumAlgorithm: String? = nil, checksumType: String? = nil
  ) {
    self.id = id
    self.bucket = bucket
    self.key = key
    self.initiated = initiated
    self.metadata = metadata
    self.checksumAlgorithm = checksumAlgorithm
    self.checksumType = checksumType
  }
}

/// One uploaded part of a multipart upload.
public struct UploadedPart: Sendable, Equatable {
  /// 1…10,000.
  public var number: Int
  public var size: Int64
  /// Unquoted lowercase hex MD5 of the part's bytes.
  public var etag: String
  public var lastModified: Date
  /// The part's additional checksum (base64), when the client sent one.
  public var checksum: String?

  public init(number: Int, size: Int64, etag: String, lastModified: Date, checksum: String? = nil) {
    self.number = number
    self.size = size
    self.etag = etag
    self.lastModified = lastModified
    self.checksum = checksum
  }
}

/// One entry of a CompleteMultipartUpload request: a part number and the ETag the client got
/// for it.
public struct CompletedPart: Sendable, Equatable {
  public var number: Int
  /// The part's ETag, quoted or not.
  public var etag: String

  public init(number: Int, etag: String) {
    self.number = number
    self.etag = etag
  }
}

/// The parts a multipart object was completed from, numbered 1…N in order.
public struct PartLayout: Sendable, Equatable {
  public var sizes: [Int64]
  /// The parts' additional checksums (base64), when the upload had them, one per part.
  public var checksums: [String]?

  public init(sizes: [Int64], checksums: [String]? = nil) {
    self.sizes = sizes
    self.checksums = checksums
  }
}

/// The rules a CompleteMultipartUpload is checked against.
public struct MultipartLimits: Sendable, Equatable {
  /// Every part but the last must be at least this long (S3: 5 MiB).
  public var minPartSize: Int64 = 5 << 20
  /// The largest object a Complete may assemble (S3: 5 TiB).
  public var maxObjectSize: Int64 = 5 << 40

  public init(minPartSize: Int64 = 5 << 20, maxObjectSize: Int64 = 5 << 40) {
    self.minPartSize = minPartSize
    self.maxObjectSize = maxObjectSize
  }
}

/// One page of ListMultipartUploads.
public struct UploadListPage: Sendable, Equatable {
  public var uploads: [MultipartUpload]
  /// Rolled-up key prefixes (with a delimiter), each once, in order.
  public var commonPrefixes: [String]
  public var isTruncated: Bool
  /// Where the next page starts, when truncated: key and upload ID markers.
  public var nextKeyMarker: String?
  public var nextUploadIDMarker: String?
}
