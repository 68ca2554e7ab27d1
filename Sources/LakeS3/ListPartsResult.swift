import Foundation

/// The answer to ListParts: `<ListPartsResult>`, one page of an upload's parts.
///
/// Optional fields are written exactly when non-nil; LakeStore writes the initiator and the
/// owner always, the checksum algorithm and type when the upload named an algorithm, and
/// `nextPartNumberMarker` when the page has parts.
public struct ListPartsResult: S3Document {
  public static let rootElement = "ListPartsResult"

  /// One `<Part>`.
  public struct Part: Sendable, Equatable {
    public var partNumber: Int
    public var lastModified: Date
    /// Without the document's quotes.
    public var etag: String
    public var size: Int64
    /// The part's checksum, in the upload's algorithm.
    public var checksum: ChecksumValue?

    public init(
      partNumber: Int, lastModified: Date, etag: String, size: Int64,
      checksum: ChecksumValue? = nil
    ) {
      self.partNumber = partNumber
      self.lastModified = lastModified
      self.etag = etag
      self.size = size
      self.checksum = checksum
    }
  }

  public var bucket: String
  public var key: String
  public var uploadId: String
  public var initiator: S3Owner?
  public var owner: S3Owner?
  public var storageClass: String
  public var checksumAlgorithm: ChecksumAlgorithm?
  public var checksumType: ChecksumType?
  public var partNumberMarker: Int
  public var nextPartNumberMarker: Int?
  public var maxParts: Int
  public var isTruncated: Bool
  public var parts: [Part]

  public init(
    bucket: String, key: String, uploadId: String, initiator: S3Owner? = nil,
    owner: S3Owner? = nil, storageClass: String = "STANDARD",
    checksumAlgorithm: ChecksumAlgorithm? = nil, checksumType: ChecksumType? = nil,
    partNumberMarker: Int = 0, nextPartNumberMarker: Int? = nil, maxParts: Int = 1000,
    isTruncated: Bool = false, parts: [Part] = []
  ) {
    self.bucket = bucket
    self.key = key
    self.uploadId = uploadId
    self.initiator = initiator
    self.owner = owner
    self.storageClass = storageClass
    self.checksumAlgorithm = checksumAlgorithm
    self.checksumType = checksumType
    self.partNumberMarker = partNumberMarker
    self.nextPartNumberMarker = nextPartNumberMarker
    self.maxParts = maxParts
    self.isTruncated = isTruncated
    self.parts = parts
  }

  /// Decodes the document. Required: `Bucket`, `Key`, `UploadId`, `StorageClass`,
  /// `PartNumberMarker`, `MaxParts`, `IsTruncated`, and in each `Part` `PartNumber`,
  /// `LastModified`, `ETag`, `Size`.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    bucket = try root.text("Bucket")
    key = try root.text("Key")
    uploadId = try root.text("UploadId")
    initiator = try root.owner("Initiator")
    owner = try root.owner()
    storageClass = try root.text("StorageClass")
    checksumAlgorithm = try root.checksumAlgorithm()
    checksumType = try root.checksumType()
    partNumberMarker = try root.need(root.int("PartNumberMarker"), "PartNumberMarker")
    nextPartNumberMarker = try root.int("NextPartNumberMarker")
    maxParts = try root.need(root.int("MaxParts"), "MaxParts")
    isTruncated = try root.need(root.bool("IsTruncated"), "IsTruncated")
    parts = []
    for element in root.all("Part") {
      parts.append(
        Part(
          partNumber: try element.need(element.int("PartNumber"), "PartNumber"),
          lastModified: try element.need(element.date("LastModified"), "LastModified"),
          etag: try element.need(element.etag("ETag"), "ETag"),
          size: try element.need(element.int64("Size"), "Size"),
          checksum: element.checksumValue()))
    }
  }

  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("Bucket", bucket)
    xml.element("Key", key)
    xml.element("UploadId", uploadId)
    initiator?.write("Initiator", to: &xml)
    owner?.write(to: &xml)
    xml.element("StorageClass", storageClass)
    xml.element("ChecksumAlgorithm", checksumAlgorithm?.rawValue)
    xml.element("ChecksumType", checksumType?.rawValue)
    xml.element("PartNumberMarker", partNumberMarker)
    if let nextPartNumberMarker { xml.element("NextPartNumberMarker", nextPartNumberMarker) }
    xml.element("MaxParts", maxParts)
    xml.element("IsTruncated", isTruncated)
    for part in parts {
      xml.open("Part")
      xml.element("PartNumber", part.partNumber)
      xml.element("LastModified", part.lastModified)
      xml.element("ETag", quoted: part.etag)
      xml.element("Size", part.size)
      part.checksum?.write(to: &xml)
      xml.close("Part")
    }
    xml.close(Self.rootElement)
    return xml
  }
}
