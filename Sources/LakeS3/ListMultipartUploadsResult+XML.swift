import Foundation

extension ListMultipartUploadsResult {
  /// Decodes the document. Required: `Bucket`, `MaxUploads`, `IsTruncated`, and in each
  /// `Upload` `Key`, `UploadId`, `StorageClass`, `Initiated`.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    let url = try root.encodingTypeURL()
    encodingTypeURL = url
    bucket = try root.text("Bucket")
    keyMarker = try root.string("KeyMarker", urlEncoded: url)
    uploadIdMarker = root.child("UploadIdMarker")?.text
    nextKeyMarker = try root.string("NextKeyMarker", urlEncoded: url)
    nextUploadIdMarker = root.child("NextUploadIdMarker")?.text
    delimiter = try root.string("Delimiter", urlEncoded: url)
    prefix = try root.string("Prefix", urlEncoded: url) ?? ""
    maxUploads = try root.need(root.int("MaxUploads"), "MaxUploads")
    isTruncated = try root.need(root.bool("IsTruncated"), "IsTruncated")
    uploads = []
    for element in root.all("Upload") {
      uploads.append(
        Upload(
          key: try element.need(element.string("Key", urlEncoded: url), "Key"),
          uploadId: try element.text("UploadId"), initiator: try element.owner("Initiator"),
          owner: try element.owner(), storageClass: try element.text("StorageClass"),
          initiated: try element.need(element.date("Initiated"), "Initiated"),
          checksumAlgorithm: try element.checksumAlgorithm(),
          checksumType: try element.checksumType()))
    }
    commonPrefixes = try root.commonPrefixes(urlEncoded: url)
  }

  public func xml() -> XMLWriter {
    let url = encodingTypeURL
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("Bucket", bucket)
    if let keyMarker { xml.element("KeyMarker", keyMarker, urlEncoded: url) }
    xml.element("UploadIdMarker", uploadIdMarker)
    if let nextKeyMarker { xml.element("NextKeyMarker", nextKeyMarker, urlEncoded: url) }
    xml.element("NextUploadIdMarker", nextUploadIdMarker)
    if let delimiter { xml.element("Delimiter", delimiter, urlEncoded: url) }
    xml.element("Prefix", prefix, urlEncoded: url)
    if url { xml.element("EncodingType", "url") }
    xml.element("MaxUploads", maxUploads)
    xml.element("IsTruncated", isTruncated)
    for upload in uploads {
      xml.open("Upload")
      xml.element("Key", upload.key, urlEncoded: url)
      xml.element("UploadId", upload.uploadId)
      upload.initiator?.write("Initiator", to: &xml)
      upload.owner?.write(to: &xml)
      xml.element("StorageClass", upload.storageClass)
      xml.element("Initiated", upload.initiated)
      xml.element("ChecksumAlgorithm", upload.checksumAlgorithm?.rawValue)
      xml.element("ChecksumType", upload.checksumType?.rawValue)
      xml.close("Upload")
    }
    xml.commonPrefixes(commonPrefixes, urlEncoded: url)
    xml.close(Self.rootElement)
    return xml
  }
}
