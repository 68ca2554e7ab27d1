/// The answer to CreateMultipartUpload: `<InitiateMultipartUploadResult>`.
///
/// The checksum algorithm and type an upload was created with travel in the
/// `x-amz-checksum-algorithm` and `x-amz-checksum-type` response headers, not here.
public struct InitiateMultipartUploadResult: S3Document {
  public static let rootElement = "InitiateMultipartUploadResult"

  public var bucket: String
  public var key: String
  public var uploadId: String

  public init(bucket: String, key: String, uploadId: String) {
    self.bucket = bucket
    self.key = key
    self.uploadId = uploadId
  }

  /// Decodes the document; `Bucket`, `Key` and `UploadId` are required.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    bucket = try root.text("Bucket")
    key = try root.text("Key")
    uploadId = try root.text("UploadId")
  }

  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("Bucket", bucket)
    xml.element("Key", key)
    xml.element("UploadId", uploadId)
    xml.close(Self.rootElement)
    return xml
  }
}

/// The answer to a successful CompleteMultipartUpload: `<CompleteMultipartUploadResult>`.
///
/// S3 may answer a Complete with status 200 and an `<Error>` document (a failure found after
/// the response began); `init(xml:)` then throws `wrongRoot(found: "Error")` and the body is
/// an `S3ErrorDocument`. LakeStore itself answers failures with an error status.
public struct CompleteMultipartUploadResult: S3Document {
  public static let rootElement = "CompleteMultipartUploadResult"

  /// The object's URL.
  public var location: String
  public var bucket: String
  public var key: String
  /// The multipart ETag (`<md5 of the part MD5s>-<count>`), without the document's quotes.
  public var etag: String
  /// The object's checksum, when the upload named an algorithm.
  public var checksum: ChecksumValue?
  public var checksumType: ChecksumType?

  public init(
    location: String, bucket: String, key: String, etag: String,
    checksum: ChecksumValue? = nil, checksumType: ChecksumType? = nil
  ) {
    self.location = location
    self.bucket = bucket
    self.key = key
    self.etag = etag
    self.checksum = checksum
    self.checksumType = checksumType
  }

  /// Decodes the document; `Location`, `Bucket`, `Key` and `ETag` are required.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    location = try root.text("Location")
    bucket = try root.text("Bucket")
    key = try root.text("Key")
    etag = try root.need(root.etag("ETag"), "ETag")
    checksum = root.checksumValue()
    checksumType = try root.checksumType()
  }

  /// `Location`, `Bucket`, `Key`, `ETag`, then the checksum and its type when set.
  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("Location", location)
    xml.element("Bucket", bucket)
    xml.element("Key", key)
    xml.element("ETag", quoted: etag)
    checksum?.write(to: &xml)
    xml.element("ChecksumType", checksumType?.rawValue)
    xml.close(Self.rootElement)
    return xml
  }
}
