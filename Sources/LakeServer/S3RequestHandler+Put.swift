import Foundation
import LakeCore
import LakeHTTP
import LakeS3

extension S3RequestHandler {
  /// PutObject through ``handle(_:body:context:)``: a request without a body to stream (an
  /// empty object, or a missing length), or one the HTTP layer hands over whole.
  func putObject(_ bucket: String, _ key: String, _ request: S3Request) throws -> HTTPResponse {
    guard let body = request.body else { throw S3Error(.missingContentLength) }
    let sink = try PutObjectSink(self, bucket: bucket, key: key, request: request, framing: body)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let count: Int
      do {
        count = try body.read(into: buffer)
      } catch {
        return sink.finish(error)
      }
      if count == 0 { return sink.finish(nil) }
      guard sink.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) else {
        return sink.finish(nil)
      }
    }
  }

  /// Runs a store write under `condition`, answering a failed condition as S3 does: 412, or
  /// `NoSuchKey` for `If-Match` on a key that does not exist.
  func commitWrite(
    bucket: String, key: String, condition: WriteCondition,
    _ write: () throws(LakeError) -> ObjectInfo
  ) throws -> ObjectInfo {
    do {
      return try write()
    } catch .preconditionFailed {
      if case .ifMatch = condition, (try? store.objectInfo(bucket: bucket, key: key)) == nil {
        throw S3Error(.noSuchKey, extra: [("Key", key)])
      }
      throw S3Error(.preconditionFailed, extra: [("Condition", conditionName(condition))])
    }
  }

  func conditionName(_ condition: WriteCondition) -> String {
    switch condition {
    case .ifMatch: "If-Match"
    case .ifNoneMatchAny, .ifNoneMatch: "If-None-Match"
    case .none: ""
    }
  }

  /// `If-None-Match: *` (create only) or `: "<etag>"` (not over that version), and
  /// `If-Match: "<etag>"` (replace only that version) or `: *` (replace only an existing
  /// object).
  func writeCondition(_ request: S3Request) throws(S3Error) -> WriteCondition {
    let ifNoneMatch = request.header("if-none-match")
    let ifMatch = request.header("if-match")
    if ifNoneMatch != nil && ifMatch != nil {
      throw S3Error(
        .notImplemented, "Specifying both If-Match and If-None-Match on a write is not supported.")
    }
    if let ifNoneMatch {
      let etag = ifNoneMatch.trimmingCharacters(in: .whitespaces)
      return etag == "*" ? .ifNoneMatchAny : .ifNoneMatch(ETag.unquote(etag))
    }
    if let ifMatch {
      return .ifMatch(ETag.unquote(ifMatch.trimmingCharacters(in: .whitespaces)))
    }
    return .none
  }

  /// The tags of an `x-amz-tagging` header (none without one).
  func requestTags(_ request: S3Request) throws(S3Error) -> [String: String] {
    guard let header = request.header("x-amz-tagging") else { return [:] }
    return try ObjectTagging.parseHeader(header)
  }

  /// The stored headers, user metadata and tags of a PutObject (or CreateMultipartUpload).
  func objectMetadata(_ request: S3Request) throws(S3Error) -> ObjectMetadata {
    var metadata = ObjectMetadata()
    metadata.contentType = request.header("content-type") ?? "binary/octet-stream"
    metadata.cacheControl = request.header("cache-control")
    metadata.contentDisposition = request.header("content-disposition")
    metadata.contentEncoding = request.header("content-encoding")
    metadata.contentLanguage = request.header("content-language")
    metadata.expires = request.header("expires")
    metadata.tags = try requestTags(request)
    var size = 0
    for (name, value) in request.head.headers {
      let lower = name.lowercased()
      guard lower.hasPrefix("x-amz-meta-") else { continue }
      let metaName = String(lower.dropFirst("x-amz-meta-".count))
      guard !metaName.isEmpty else { continue }
      if let existing = metadata.userMetadata[metaName] {
        metadata.userMetadata[metaName] = existing + "," + value
      } else {
        metadata.userMetadata[metaName] = value
      }
      size += metaName.utf8.count + value.utf8.count
    }
    if size > configuration.maxMetadataBytes {
      throw S3Error(
        .metadataTooLarge,
        "Your metadata headers exceed the maximum allowed metadata size (\(configuration.maxMetadataBytes) bytes).",
        extra: [("Size", String(size)), ("MaxSizeAllowed", String(configuration.maxMetadataBytes))])
    }
    return metadata
  }
}

extension S3Error {
  /// The S3 error for a body that could not be read.
  init(bodyError: HTTPBodyError, limit: Int64) {
    switch bodyError {
    case .timeout: self.init(.requestTimeout)
    case .tooLarge: self.init(.entityTooLarge, extra: [("MaxSizeAllowed", String(limit))])
    case .connectionClosed, .malformed: self.init(.incompleteBody)
    }
  }
}

/// The payload SHA-256 of a signed upload, fed by the object writer (possibly on its hashing
/// thread; the writer orders every access, see `ObjectDigest`).
final class SHA256Digest: ObjectDigest, @unchecked Sendable {
  private var payload = PayloadSHA256()

  func update(_ bytes: UnsafeRawBufferPointer) {
    payload.update(bytes)
  }

  /// The digest; call once, after `ObjectWriter.finishDigests()`.
  func finalize() -> [UInt8] {
    payload.finalize()
  }
}
