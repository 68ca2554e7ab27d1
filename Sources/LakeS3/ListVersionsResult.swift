import Foundation

/// The answer to ListObjectVersions: `<ListVersionsResult>`.
///
/// LakeStore never versions, so it answers as S3 does for a bucket that never had versioning:
/// each object is one `<Version>` with id `null`, the latest; there are no delete markers
/// (`<DeleteMarker>` elements of other servers are ignored by `init(xml:)`). With
/// `encodingTypeURL`, `Prefix`, `KeyMarker`, `NextKeyMarker`, `Delimiter`, `Key` and
/// `CommonPrefixes/Prefix` are percent-encoded in the document and plain here. Optional
/// fields are written exactly when non-nil; `prefix` always (absent reads as "").
public struct ListVersionsResult: S3Document {
  public static let rootElement = "ListVersionsResult"

  /// One `<Version>` entry.
  public struct Version: Sendable, Equatable {
    public var key: String
    public var versionId: String
    public var isLatest: Bool
    public var lastModified: Date
    /// Without the surrounding quotes the document has.
    public var etag: String
    public var size: Int64
    public var owner: S3Owner?
    public var storageClass: String

    public init(
      key: String, versionId: String = "null", isLatest: Bool = true, lastModified: Date,
      etag: String, size: Int64, owner: S3Owner? = nil, storageClass: String = "STANDARD"
    ) {
      self.key = key
      self.versionId = versionId
      self.isLatest = isLatest
      self.lastModified = lastModified
      self.etag = etag
      self.size = size
      self.owner = owner
      self.storageClass = storageClass
    }
  }

  public var name: String
  public var prefix: String
  public var keyMarker: String?
  public var versionIdMarker: String?
  public var nextKeyMarker: String?
  public var nextVersionIdMarker: String?
  public var maxKeys: Int
  public var delimiter: String?
  public var encodingTypeURL: Bool
  public var isTruncated: Bool
  public var versions: [Version]
  public var commonPrefixes: [String]

  public init(
    name: String, prefix: String = "", keyMarker: String? = nil, versionIdMarker: String? = nil,
    nextKeyMarker: String? = nil, nextVersionIdMarker: String? = nil, maxKeys: Int = 1000,
    delimiter: String? = nil, encodingTypeURL: Bool = false, isTruncated: Bool = false,
    versions: [Version] = [], commonPrefixes: [String] = []
  ) {
    self.name = name
    self.prefix = prefix
    self.keyMarker = keyMarker
    self.versionIdMarker = versionIdMarker
    self.nextKeyMarker = nextKeyMarker
    self.nextVersionIdMarker = nextVersionIdMarker
    self.maxKeys = maxKeys
    self.delimiter = delimiter
    self.encodingTypeURL = encodingTypeURL
    self.isTruncated = isTruncated
    self.versions = versions
    self.commonPrefixes = commonPrefixes
  }
}
