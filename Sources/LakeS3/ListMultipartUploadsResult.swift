import Foundation

/// The answer to ListMultipartUploads: `<ListMultipartUploadsResult>`.
///
/// With `encodingTypeURL`, `KeyMarker`, `NextKeyMarker`, `Delimiter`, `Prefix`, each upload's
/// `Key` and `CommonPrefixes/Prefix` are percent-encoded in the document and plain here.
/// Optional fields are written exactly when non-nil (LakeStore writes both markers always,
/// "" when none, and the next markers when truncated); `prefix` always (absent reads as "").
public struct ListMultipartUploadsResult: S3Document {
  public static let rootElement = "ListMultipartUploadsResult"

  /// One `<Upload>`.
  public struct Upload: Sendable, Equatable {
    public var key: String
    public var uploadId: String
    public var initiator: S3Owner?
    public var owner: S3Owner?
    public var storageClass: String
    public var initiated: Date
    public var checksumAlgorithm: ChecksumAlgorithm?
    public var checksumType: ChecksumType?

    public init(
      key: String, uploadId: String, initiator: S3Owner? = nil, owner: S3Owner? = nil,
      storageClass: String = "STANDARD", initiated: Date,
      checksumAlgorithm: ChecksumAlgorithm? = nil, checksumType: ChecksumType? = nil
    ) {
      self.key = key
      self.uploadId = uploadId
      self.initiator = initiator
      self.owner = owner
      self.storageClass = storageClass
      self.initiated = initiated
      self.checksumAlgorithm = checksumAlgorithm
      self.checksumType = checksumType
    }
  }

  public var bucket: String
  public var keyMarker: String?
  public var uploadIdMarker: String?
  public var nextKeyMarker: String?
  public var nextUploadIdMarker: String?
  public var delimiter: String?
  public var prefix: String
  public var encodingTypeURL: Bool
  public var maxUploads: Int
  public var isTruncated: Bool
  public var uploads: [Upload]
  public var commonPrefixes: [String]

  public init(
    bucket: String, keyMarker: String? = nil, uploadIdMarker: String? = nil,
    nextKeyMarker: String? = nil, nextUploadIdMarker: String? = nil, delimiter: String? = nil,
    prefix: String = "", encodingTypeURL: Bool = false, maxUploads: Int = 1000,
    isTruncated: Bool = false, uploads: [Upload] = [], commonPrefixes: [String] = []
  ) {
    self.bucket = bucket
    self.keyMarker = keyMarker
    self.uploadIdMarker = uploadIdMarker
    self.nextKeyMarker = nextKeyMarker
    self.nextUploadIdMarker = nextUploadIdMarker
    self.delimiter = delimiter
    self.prefix = prefix
    self.encodingTypeURL = encodingTypeURL
    self.maxUploads = maxUploads
    self.isTruncated = isTruncated
    self.uploads = uploads
    self.commonPrefixes = commonPrefixes
  }
}
