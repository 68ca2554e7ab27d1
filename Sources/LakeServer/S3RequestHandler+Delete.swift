import Crypto
import Foundation
import LakeCore
import LakeHTTP
import LakeS3

extension S3RequestHandler {
  /// DeleteObjects: deletes each listed key in turn, reporting per key. Like S3 it needs
  /// `Content-MD5` or an `x-amz-checksum-*` header, and refuses more than
  /// `DeleteRequest.maxObjects` keys.
  func deleteObjects(_ bucket: String, _ request: S3Request) throws -> HTTPResponse {
    let document = try readDocument(request, limit: Self.maxDocumentBytes)
    try checkIntegrityHeader(request, document)
    let delete = try DeleteRequest(validating: document)
    _ = try store.bucketInfo(bucket)  // NoSuchBucket for the request, not per key
    var entries: [DeleteResult.Entry] = []
    for object in delete.objects {
      let (key, version) = (object.key, object.versionId)
      let failure: S3Error?
      if let version, version != "null" {
        failure = S3Error(.invalidArgument, "Invalid version id specified")
      } else {
        do {
          try store.deleteObject(bucket: bucket, key: key)
          failure = nil
        } catch {
          failure = s3Error(for: error, what: "DeleteObjects \(bucket)/\(key)")
        }
      }
      if let failure {
        entries.append(
          .error(
            .init(key: key, versionId: version, code: failure.code.code, message: failure.message)))
      } else if !delete.quiet {
        entries.append(.deleted(.init(key: key, versionId: version)))
      }
    }
    return xmlResponse(DeleteResult(entries: entries))
  }

  /// S3 requires an integrity header on some requests (DeleteObjects): `Content-MD5` or an
  /// `x-amz-checksum-*` header, each checked against the body (`BadDigest`).
  func checkIntegrityHeader(_ request: S3Request, _ body: [UInt8]) throws {
    if let md5Text = request.header("content-md5") {
      guard let data = Data(base64Encoded: md5Text), data.count == 16 else {
        throw S3Error(.invalidDigest)
      }
      guard Array(Insecure.MD5.hash(data: body)) == Array(data) else {
        throw S3Error(.badDigest)
      }
      return
    }
    let headers = request.head.headers.map { (name: $0.name, value: $0.value) }
    guard let checksum = try ChecksumRequest.parse(headers), let expected = checksum.expected
    else {
      throw S3Error(.invalidRequest, "Missing required header for this request: Content-MD5")
    }
    guard Checksum.digest(checksum.algorithm, of: body) == expected else {
      throw S3Error(
        .badDigest,
        "The \(checksum.algorithm.rawValue) you specified did not match the calculated checksum.")
    }
  }
}
