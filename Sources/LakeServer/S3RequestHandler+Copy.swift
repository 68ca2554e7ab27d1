import Foundation
import LakeCore
import LakeHTTP
import LakeS3

extension S3RequestHandler {
  /// CopyObject: `x-amz-metadata-directive` COPY (default) or REPLACE, the
  /// `x-amz-copy-source-if-*` conditions, S3's refusal of a self-copy that changes nothing,
  /// and the destination's own `If-Match`/`If-None-Match`.
  func copyObject(_ bucket: String, _ key: String, _ request: S3Request) throws -> HTTPResponse {
    let source = try copySource(request)
    let condition = try writeCondition(request)
    let directive = try self.directive(request, "x-amz-metadata-directive")
    let taggingDirective = try self.directive(request, "x-amz-tagging-directive")
    if source.bucket == bucket && source.key == key && directive == "COPY"
      && taggingDirective == "COPY"
    {
      throw S3Error(
        .invalidRequest,
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
      )
    }
    let info = try store.objectInfo(bucket: source.bucket, key: source.key)
    try checkCopySourceConditions(request, info)
    var metadata = directive == "REPLACE" ? try objectMetadata(request) : info.metadata
    metadata.checksum = info.metadata.checksum  // the bytes are the same
    metadata.tags = taggingDirective == "REPLACE" ? try requestTags(request) : info.metadata.tags
    let copied = try commitWrite(bucket: bucket, key: key, condition: condition) {
      () throws(LakeError) in
      try store.copyObject(
        sourceBucket: source.bucket, sourceKey: source.key, expectedSequence: info.sequence,
        bucket: bucket, key: key, metadata: metadata, condition: condition)
    }
    return xmlResponse(
      CopyObjectResult(
        etag: copied.etag, lastModified: copied.lastModified,
        checksum: copied.metadata.checksum?.documentValue,
        checksumType: copied.metadata.checksum?.documentType))
  }

  /// UploadPartCopy: the source's bytes (or `x-amz-copy-source-range` of them) become a part.
  func uploadPartCopy(
    _ bucket: String, _ key: String, _ uploadID: String, _ number: Int, _ request: S3Request
  ) throws -> HTTPResponse {
    let source = try copySource(request)
    let upload = try store.multipartUpload(id: uploadID, bucket: bucket, key: key)
    let info = try store.objectInfo(bucket: source.bucket, key: source.key)
    try checkCopySourceConditions(request, info)
    var (offset, length) = (Int64(0), info.size)
    if let range = request.header("x-amz-copy-source-range") {
      (offset, length) = try CopySource.parseRange(range, size: info.size)
    }
    if length > configuration.maxObjectSize {
      throw S3Error(
        .entityTooLarge,
        extra: [
          ("ProposedSize", String(length)),
          ("MaxSizeAllowed", String(configuration.maxObjectSize)),
        ])
    }
    let checksum = try PutObjectSink.partChecksum(nil, upload: upload)
    let digest = checksum.map { ChecksumDigest($0.algorithm) }
    let writer = try store.makePartWriter(
      for: upload, expectedSize: length, digests: digest.map { [$0] } ?? [])
    do {
      try store.copyRange(
        sourceBucket: source.bucket, sourceKey: source.key, expectedSequence: info.sequence,
        offset: offset, length: length, into: writer)
    } catch .preconditionFailed {
      writer.abort()
      throw S3Error(.preconditionFailed, extra: [("Condition", "x-amz-copy-source")])
    } catch {
      writer.abort()
      throw error
    }
    writer.finishDigests()
    let value = digest.map { Checksum.base64($0.finalize()) }
    let part = try store.commitPart(writer, uploadID: uploadID, number: number, checksum: value)
    let listed = checksum.flatMap { checksum in
      value.map { ChecksumValue(algorithm: checksum.algorithm, value: $0) }
    }
    return xmlResponse(
      CopyPartResult(etag: part.etag, lastModified: part.lastModified, checksum: listed))
  }

  /// The parsed `x-amz-copy-source`; a version other than `null` is not supported.
  func copySource(_ request: S3Request) throws -> CopySource {
    let source = try CopySource.parse(request.header("x-amz-copy-source") ?? "")
    if let version = source.versionID, version != "null" {
      throw S3Error.notImplemented("Object versions (versionId in x-amz-copy-source)")
    }
    return source
  }

  /// `COPY` or `REPLACE` (default `COPY`); `InvalidArgument` for anything else.
  func directive(_ request: S3Request, _ name: String) throws -> String {
    guard let value = request.header(name) else { return "COPY" }
    let upper = value.trimmingCharacters(in: .whitespaces).uppercased()
    guard upper == "COPY" || upper == "REPLACE" else {
      throw S3Error(
        .invalidArgument, "Unknown \(name) value: \(value)",
        extra: [("ArgumentName", name), ("ArgumentValue", value)])
    }
    return upper
  }

  /// The `x-amz-copy-source-if-*` conditions, in S3's order; any failure is 412.
  func checkCopySourceConditions(_ request: S3Request, _ info: ObjectInfo) throws {
    switch evaluateConditions(request, info: info, prefix: "x-amz-copy-source-") {
    case .proceed: return
    case .failed(let name), .notModified(let name):
      throw S3Error(.preconditionFailed, extra: [("Condition", name)])
    }
  }

}
