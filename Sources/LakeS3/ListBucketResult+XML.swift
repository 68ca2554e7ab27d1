import Foundation

extension ListBucketResult {
  /// Decodes `<ListBucketResult>`. Required: `Name`, `MaxKeys`, `IsTruncated`, and in each
  /// `Contents` `Key`, `LastModified`, `ETag`, `Size`, `StorageClass`.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    let url = try root.encodingTypeURL()
    encodingTypeURL = url
    name = try root.text("Name")
    keyCount = try root.int("KeyCount")
    continuationToken = root.child("ContinuationToken")?.text
    nextContinuationToken = root.child("NextContinuationToken")?.text
    startAfter = try root.string("StartAfter", urlEncoded: url)
    let version = Self.version(
      keyCount: keyCount, continuationToken: continuationToken,
      nextContinuationToken: nextContinuationToken, startAfter: startAfter)
    prefix = try root.string("Prefix", urlEncoded: url && version == 2) ?? ""
    marker = try root.string("Marker", urlEncoded: url)
    nextMarker = try root.string("NextMarker", urlEncoded: url)
    delimiter = try root.string("Delimiter", urlEncoded: url)
    maxKeys = try root.need(root.int("MaxKeys"), "MaxKeys")
    isTruncated = try root.need(root.bool("IsTruncated"), "IsTruncated")
    contents = []
    for element in root.all("Contents") {
      contents.append(try Object(xml: element, urlEncoded: url))
    }
    commonPrefixes = try root.commonPrefixes(urlEncoded: url)
  }

  /// The document as LakeStore writes it (see the type's comment for what is encoded).
  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("Name", name)
    xml.element("Prefix", prefix, urlEncoded: encodingTypeURL && version == 2)
    xml.element("ContinuationToken", continuationToken)
    if let startAfter { xml.element("StartAfter", startAfter, urlEncoded: encodingTypeURL) }
    if let marker { xml.element("Marker", marker, urlEncoded: encodingTypeURL) }
    xml.element("NextContinuationToken", nextContinuationToken)
    if let nextMarker { xml.element("NextMarker", nextMarker, urlEncoded: encodingTypeURL) }
    if let keyCount { xml.element("KeyCount", keyCount) }
    xml.element("MaxKeys", maxKeys)
    if let delimiter { xml.element("Delimiter", delimiter, urlEncoded: encodingTypeURL) }
    if encodingTypeURL { xml.element("EncodingType", "url") }
    xml.element("IsTruncated", isTruncated)
    for object in contents { object.write(to: &xml, urlEncoded: encodingTypeURL) }
    xml.commonPrefixes(commonPrefixes, urlEncoded: encodingTypeURL)
    xml.close(Self.rootElement)
    return xml
  }
}

extension ListBucketResult.Object {
  init(xml element: XMLElement, urlEncoded: Bool) throws(S3DocumentError) {
    key = try element.need(element.string("Key", urlEncoded: urlEncoded), "Key")
    lastModified = try element.need(element.date("LastModified"), "LastModified")
    etag = try element.need(element.etag("ETag"), "ETag")
    size = try element.need(element.int64("Size"), "Size")
    storageClass = try element.text("StorageClass")
    owner = try element.owner()
  }

  func write(to xml: inout XMLWriter, urlEncoded: Bool) {
    xml.open("Contents")
    xml.element("Key", key, urlEncoded: urlEncoded)
    xml.element("LastModified", lastModified)
    xml.element("ETag", quoted: etag)
    xml.element("Size", size)
    owner?.write(to: &xml)
    xml.element("StorageClass", storageClass)
    xml.close("Contents")
  }
}
