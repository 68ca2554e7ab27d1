extension GetObjectAttributesResponse {
  /// Decodes the document; every attribute is optional, but an `ObjectParts` needs
  /// `PartsCount`, `PartNumberMarker`, `MaxParts` and `IsTruncated`, and each of its parts
  /// `PartNumber` and `Size`.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    etag = root.etag("ETag")
    let checksumElement = root.child("Checksum")
    checksum = checksumElement?.checksumValue()
    checksumType = try checksumElement?.checksumType()
    objectParts = try root.child("ObjectParts").map { (element) throws(S3DocumentError) in
      try ObjectParts(xml: element)
    }
    storageClass = root.child("StorageClass")?.text
    objectSize = try root.int64("ObjectSize")
  }

  /// `ETag`, `Checksum`, `ObjectParts`, `StorageClass`, `ObjectSize`, each when set (the
  /// `Checksum` element when the checksum or its type is).
  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("ETag", etag)
    if checksum != nil || checksumType != nil {
      xml.open("Checksum")
      checksum?.write(to: &xml)
      xml.element("ChecksumType", checksumType?.rawValue)
      xml.close("Checksum")
    }
    objectParts?.write(to: &xml)
    xml.element("StorageClass", storageClass)
    if let objectSize { xml.element("ObjectSize", objectSize) }
    xml.close(Self.rootElement)
    return xml
  }
}

extension GetObjectAttributesResponse.ObjectParts {
  init(xml element: XMLElement) throws(S3DocumentError) {
    totalPartsCount = try element.need(element.int("PartsCount"), "PartsCount")
    partNumberMarker = try element.need(element.int("PartNumberMarker"), "PartNumberMarker")
    nextPartNumberMarker = try element.int("NextPartNumberMarker")
    maxParts = try element.need(element.int("MaxParts"), "MaxParts")
    isTruncated = try element.need(element.bool("IsTruncated"), "IsTruncated")
    parts = []
    for part in element.all("Part") {
      parts.append(
        GetObjectAttributesResponse.Part(
          partNumber: try part.need(part.int("PartNumber"), "PartNumber"),
          size: try part.need(part.int64("Size"), "Size"), checksum: part.checksumValue()))
    }
  }

  func write(to xml: inout XMLWriter) {
    xml.open("ObjectParts")
    xml.element("PartsCount", totalPartsCount)
    xml.element("PartNumberMarker", partNumberMarker)
    if let nextPartNumberMarker { xml.element("NextPartNumberMarker", nextPartNumberMarker) }
    xml.element("MaxParts", maxParts)
    xml.element("IsTruncated", isTruncated)
    for part in parts {
      xml.open("Part")
      xml.element("PartNumber", part.partNumber)
      xml.element("Size", part.size)
      part.checksum?.write(to: &xml)
      xml.close("Part")
    }
    xml.close("ObjectParts")
  }
}
