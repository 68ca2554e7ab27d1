/// The answer to GetObjectAttributes: `<GetObjectAttributesResponse>`, the attributes the
/// request named in `x-amz-object-attributes` (each field nil when not asked for or not known).
///
/// Unlike other documents this one writes the ETag without quotes (as S3 does); `init(xml:)`
/// removes quotes if another server sends them.
public struct GetObjectAttributesResponse: S3Document {
  public static let rootElement = "GetObjectAttributesResponse"

  /// `<ObjectParts>`: one page of a multipart object's parts.
  public struct ObjectParts: Sendable, Equatable {
    /// The object's number of parts (`<PartsCount>`).
    public var totalPartsCount: Int
    public var partNumberMarker: Int
    public var nextPartNumberMarker: Int?
    public var maxParts: Int
    public var isTruncated: Bool
    public var parts: [Part]

    public init(
      totalPartsCount: Int, partNumberMarker: Int = 0, nextPartNumberMarker: Int? = nil,
      maxParts: Int = 1000, isTruncated: Bool = false, parts: [Part] = []
    ) {
      self.totalPartsCount = totalPartsCount
      self.partNumberMarker = partNumberMarker
      self.nextPartNumberMarker = nextPartNumberMarker
      self.maxParts = maxParts
      self.isTruncated = isTruncated
      self.parts = parts
    }
  }

  /// One `<Part>` of `<ObjectParts>`.
  public struct Part: Sendable, Equatable {
    public var partNumber: Int
    public var size: Int64
    public var checksum: ChecksumValue?

    public init(partNumber: Int, size: Int64, checksum: ChecksumValue? = nil) {
      self.partNumber = partNumber
      self.size = size
      self.checksum = checksum
    }
  }

  public var etag: String?
  /// The object's checksum (`<Checksum><ChecksumALGORITHM>`).
  public var checksum: ChecksumValue?
  /// `<Checksum><ChecksumType>`.
  public var checksumType: ChecksumType?
  public var objectParts: ObjectParts?
  public var storageClass: String?
  public var objectSize: Int64?

  public init(
    etag: String? = nil, checksum: ChecksumValue? = nil, checksumType: ChecksumType? = nil,
    objectParts: ObjectParts? = nil, storageClass: String? = nil, objectSize: Int64? = nil
  ) {
    self.etag = etag
    self.checksum = checksum
    self.checksumType = checksumType
    self.objectParts = objectParts
    self.storageClass = storageClass
    self.objectSize = objectSize
  }
}
