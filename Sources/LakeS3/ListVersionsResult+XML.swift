import Foundation

extension ListVersionsResult {
  /// Decodes `<ListVersionsResult>`. Required: `Name`, `MaxKeys`, `IsTruncated`, and in each
  /// `Version` `Key`, `VersionId`, `IsLatest`, `LastModified`, `ETag`, `Size`, `StorageClass`.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    let url = try root.encodingTypeURL()
    encodingTypeURL = url
    name = try root.text("Name")
    prefix = try root.string("Prefix", urlEncoded: url) ?? ""
    keyMarker = try root.string("KeyMarker", urlEncoded: url)
    versionIdMarker = root.child("VersionIdMarker")?.text
    nextKeyMarker = try root.string("NextKeyMarker", urlEncoded: url)
    nextVersionIdMarker = root.child("NextVersionIdMarker")?.text
    maxKeys = try root.need(root.int("MaxKeys"), "MaxKeys")
    delimiter = try root.string("Delimiter", urlEncoded: url)
    isTruncated = try root.need(root.bool("IsTruncated"), "IsTruncated")
    versions = []
    for element in root.all("Version") {
      versions.append(try Version(xml: element, urlEncoded: url))
    }
    commonPrefixes = try root.commonPrefixes(urlEncoded: url)
  }

  /// The document as LakeStore writes it.
  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("Name", name)
    xml.element("Prefix", prefix, urlEncoded: encodingTypeURL)
    if let keyMarker { xml.element("KeyMarker", keyMarker, urlEncoded: encodingTypeURL) }
    xml.element("VersionIdMarker", versionIdMarker)
    if let nextKeyMarker {
      xml.element("NextKeyMarker", nextKeyMarker, urlEncoded: encodingTypeURL)
    }
    xml.element("NextVersionIdMarker", nextVersionIdMarker)
    xml.element("MaxKeys", maxKeys)
    if let delimiter { xml.element("Delimiter", delimiter, urlEncoded: encodingTypeURL) }
    if encodingTypeURL { xml.element("EncodingType", "url") }
    xml.element("IsTruncated", isTruncated)
    for version in versions { version.write(to: &xml, urlEncoded: encodingTypeURL) }
    xml.commonPrefixes(commonPrefixes, urlEncoded: encodingTypeURL)
    xml.close(Self.rootElement)
    return xml
  }
}

extension ListVersionsResult.Version {
  init(xml element: XMLElement, urlEncoded: Bool) throws(S3DocumentError) {
    key = try element.need(element.string("Key", urlEncoded: urlEncoded), "Key")
    versionId = try element.text("VersionId")
    isLatest = try element.need(element.bool("IsLatest"), "IsLatest")
    lastModified = try element.need(element.date("LastModified"), "LastModified")
    etag = try element.need(element.etag("ETag"), "ETag")
    size = try element.need(element.int64("Size"), "Size")
    owner = try element.owner()
    storageClass = try element.text("StorageClass")
  }

  func write(to xml: inout XMLWriter, urlEncoded: Bool) {
    xml.open("Version")
    xml.element("Key", key, urlEncoded: urlEncoded)
    xml.element("VersionId", versionId)
    xml.element("IsLatest", isLatest)
    xml.element("LastModified", lastModified)
    xml.element("ETag", quoted: etag)
    xml.element("Size", size)
    owner?.write(to: &xml)
    xml.element("StorageClass", storageClass)
    xml.close("Version")
  }
}
