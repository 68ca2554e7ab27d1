import Foundation
import LakeCore
import LakeHTTP
import LakeS3

extension S3RequestHandler {
  /// The attributes GetObjectAttributes can return (`x-amz-object-attributes`).
  static let objectAttributeNames: Set<String> = [
    "ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize",
  ]

  /// GetObjectAttributes: the attributes named in `x-amz-object-attributes`, ObjectParts
  /// paged by `x-amz-max-parts` and `x-amz-part-number-marker` (parts numbered 1…N as
  /// completed; LakeStore keeps part sizes, not per-part checksums, of a completed object).
  func objectAttributes(_ bucket: String, _ key: String, _ request: S3Request) throws
    -> HTTPResponse
  {
    let wanted = Set(
      (request.header("x-amz-object-attributes") ?? "").split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces)
      }.filter { !$0.isEmpty })
    guard !wanted.isEmpty else {
      throw S3Error(
        .invalidArgument,
        "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty",
        extra: [("ArgumentName", "x-amz-object-attributes")])
    }
    guard wanted.isSubset(of: Self.objectAttributeNames) else {
      throw S3Error(
        .invalidArgument, "Invalid attribute name specified.",
        extra: [("ArgumentName", "x-amz-object-attributes")])
    }
    let maxParts = try headerCount(request, "x-amz-max-parts") ?? 1000
    let marker = try headerCount(request, "x-amz-part-number-marker") ?? 0
    let info = try store.objectInfo(bucket: bucket, key: key)
    var xml = XMLWriter()
    xml.open("GetObjectAttributesResponse", namespace: s3XMLNamespace)
    if wanted.contains("ETag") { xml.element("ETag", info.etag) }
    if wanted.contains("Checksum"), let checksum = info.metadata.checksum {
      xml.open("Checksum")
      xml.element("Checksum" + checksum.algorithm, checksum.value)
      xml.element("ChecksumType", checksum.type)
      xml.close("Checksum")
    }
    if wanted.contains("ObjectParts"),
      let layout = try store.partLayout(bucket: bucket, key: key, sequence: info.sequence)
    {
      let sizes = layout.sizes
      let page = sizes.indices.dropFirst(marker).prefix(min(maxParts, 1000))
      xml.open("ObjectParts")
      xml.element("PartsCount", String(sizes.count))
      xml.element("PartNumberMarker", String(marker))
      if let last = page.last { xml.element("NextPartNumberMarker", String(last + 1)) }
      xml.element("MaxParts", String(maxParts))
      xml.element(
        "IsTruncated", (page.last ?? sizes.count - 1) + 1 < sizes.count ? "true" : "false")
      for index in page {
        xml.open("Part")
        xml.element("PartNumber", String(index + 1))
        xml.element("Size", String(sizes[index]))
        if let checksums = layout.checksums, let algorithm = info.metadata.checksum?.algorithm {
          xml.element("Checksum" + algorithm, checksums[index])
        }
        xml.close("Part")
      }
      xml.close("ObjectParts")
    }
    if wanted.contains("StorageClass") { xml.element("StorageClass", "STANDARD") }
    if wanted.contains("ObjectSize") { xml.element("ObjectSize", String(info.size)) }
    xml.close("GetObjectAttributesResponse")
    var headers = HTTPHeaders()
    headers.add(name: "Last-Modified", value: S3Date.httpDate(info.lastModified))
    return xmlResponse(xml, headers: headers)
  }

  /// A non-negative 32-bit count from a header, nil when absent; `InvalidArgument` otherwise.
  func headerCount(_ request: S3Request, _ name: String) throws -> Int? {
    guard let text = request.header(name) else { return nil }
    return try S3Router.count(text.trimmingCharacters(in: .whitespaces), name: name)
  }
}
