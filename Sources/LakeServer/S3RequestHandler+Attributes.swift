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
    var response = GetObjectAttributesResponse()
    if wanted.contains("ETag") { response.etag = info.etag }
    if wanted.contains("Checksum"), let checksum = info.metadata.checksum {
      response.checksum = checksum.documentValue
      response.checksumType = checksum.documentType
    }
    if wanted.contains("ObjectParts"),
      let layout = try store.partLayout(bucket: bucket, key: key, sequence: info.sequence)
    {
      let sizes = layout.sizes
      let page = sizes.indices.dropFirst(marker).prefix(min(maxParts, 1000))
      let algorithm = info.metadata.checksum?.documentValue?.algorithm
      response.objectParts = .init(
        totalPartsCount: sizes.count, partNumberMarker: marker,
        nextPartNumberMarker: page.last.map { $0 + 1 }, maxParts: maxParts,
        isTruncated: (page.last ?? sizes.count - 1) + 1 < sizes.count,
        parts: page.map { index in
          .init(
            partNumber: index + 1, size: sizes[index],
            checksum: algorithm.flatMap { algorithm in
              layout.checksums.map { ChecksumValue(algorithm: algorithm, value: $0[index]) }
            })
        })
    }
    if wanted.contains("StorageClass") { response.storageClass = "STANDARD" }
    if wanted.contains("ObjectSize") { response.objectSize = info.size }
    var headers = HTTPHeaders()
    headers.add(name: "Last-Modified", value: S3Date.httpDate(info.lastModified))
    return xmlResponse(response, headers: headers)
  }

  /// A non-negative 32-bit count from a header, nil when absent; `InvalidArgument` otherwise.
  func headerCount(_ request: S3Request, _ name: String) throws -> Int? {
    guard let text = request.header(name) else { return nil }
    return try S3Router.count(text.trimmingCharacters(in: .whitespaces), name: name)
  }
}
