import Foundation

/// The answer to CopyObject: `<CopyObjectResult>`, the new object's ETag, date and checksum.
public struct CopyObjectResult: S3Document {
  public static let rootElement = "CopyObjectResult"

  /// Without the document's quotes.
  public var etag: String
  public var lastModified: Date
  /// The copied object's checksum (the source's: the bytes are the same).
  public var checksum: ChecksumValue?
  public var checksumType: ChecksumType?

  public init(
    etag: String, lastModified: Date, checksum: ChecksumValue? = nil,
    checksumType: ChecksumType? = nil
  ) {
    self.etag = etag
    self.lastModified = lastModified
    self.checksum = checksum
    self.checksumType = checksumType
  }

  /// Decodes the document; `ETag` and `LastModified` are required.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    etag = try root.need(root.etag("ETag"), "ETag")
    lastModified = try root.need(root.date("LastModified"), "LastModified")
    checksum = root.checksumValue()
    checksumType = try root.checksumType()
  }

  /// `ETag`, `LastModified`, then `ChecksumType` and the checksum when set.
  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("ETag", quoted: etag)
    xml.element("LastModified", lastModified)
    xml.element("ChecksumType", checksumType?.rawValue)
    checksum?.write(to: &xml)
    xml.close(Self.rootElement)
    return xml
  }
}

/// The answer to UploadPartCopy: `<CopyPartResult>`, the new part's ETag, date and checksum.
public struct CopyPartResult: S3Document {
  public static let rootElement = "CopyPartResult"

  /// Without the document's quotes.
  public var etag: String
  public var lastModified: Date
  /// The part's checksum, when its upload named an algorithm.
  public var checksum: ChecksumValue?

  public init(etag: String, lastModified: Date, checksum: ChecksumValue? = nil) {
    self.etag = etag
    self.lastModified = lastModified
    self.checksum = checksum
  }

  /// Decodes the document; `ETag` and `LastModified` are required.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    etag = try root.need(root.etag("ETag"), "ETag")
    lastModified = try root.need(root.date("LastModified"), "LastModified")
    checksum = root.checksumValue()
  }

  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("ETag", quoted: etag)
    xml.element("LastModified", lastModified)
    checksum?.write(to: &xml)
    xml.close(Self.rootElement)
    return xml
  }
}
