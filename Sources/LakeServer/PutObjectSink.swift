import Foundation
import LakeCore
import LakeHTTP
import LakeS3

/// A PutObject or UploadPart body on its way to disk: the HTTP layer hands it the bytes as
/// they arrive (``HTTPBodySink``), it streams them into the store's temp file while hashing,
/// and at the end verifies and commits durably. Nothing is stored when any check fails.
///
/// Created once the request is routed and authenticated; headers are checked and the temp
/// file is created here, so a bad request is refused before any body byte is read.
final class PutObjectSink: HTTPBodySink {
  /// What the body becomes.
  enum Target {
    /// The key's object (PutObject), with its metadata and write condition.
    case object(ObjectMetadata, WriteCondition)
    /// Part `number` of a multipart upload (UploadPart).
    case part(uploadID: String, number: Int)
  }

  private let handler: S3RequestHandler
  private let request: S3Request
  private let bucket: String
  private let key: String
  private let target: Target
  private let expectedMD5: [UInt8]?
  private let expectedSHA256: [UInt8]?
  private let sha: SHA256Digest?
  private let declaredLength: Int64?
  private let writer: ObjectWriter
  /// Why the body cannot be stored, once something failed.
  private var failure: Error?

  /// Checks the request's headers and creates the writer. Throws the S3 error to answer
  /// (`MissingContentLength`, `EntityTooLarge`, `InvalidDigest`, `NoSuchBucket`…).
  init(
    _ handler: S3RequestHandler, bucket: String, key: String, request: S3Request,
    framing body: HTTPRequestBody
  ) throws {
    self.handler = handler
    self.request = request
    self.bucket = bucket
    self.key = key
    if case .uploadPart(_, _, let uploadID, let number) = request.operation {
      target = .part(uploadID: uploadID, number: number)
    } else {
      target = .object(
        try handler.objectMetadata(request), try handler.writeCondition(request))
    }
    if let md5Text = request.header("content-md5") {
      guard let data = Data(base64Encoded: md5Text), data.count == 16 else {
        throw S3Error(.invalidDigest)
      }
      expectedMD5 = Array(data)
    } else {
      expectedMD5 = nil
    }
    switch request.authentication?.payload {
    case .sha256(let digest): expectedSHA256 = digest
    case .streaming(let mode):
      throw S3Error.notImplemented("aws-chunked request bodies (\(mode))")
    case .unsigned, nil: expectedSHA256 = nil
    }
    if request.header("content-encoding")?.lowercased().contains("aws-chunked") == true {
      throw S3Error.notImplemented("Content-Encoding: aws-chunked")
    }
    guard body.isChunked || body.declaredLength != nil else {
      throw S3Error(.missingContentLength)
    }
    declaredLength = body.declaredLength
    let maxObjectSize = handler.configuration.maxObjectSize
    if let length = declaredLength, length > maxObjectSize {
      throw S3Error(
        .entityTooLarge,
        extra: [("ProposedSize", String(length)), ("MaxSizeAllowed", String(maxObjectSize))])
    }
    let sha = expectedSHA256 == nil ? nil : SHA256Digest()
    self.sha = sha
    let digests: [any ObjectDigest] = sha.map { [$0] } ?? []
    switch target {
    case .object:
      writer = try handler.store.makeWriter(
        bucket: bucket, key: key, expectedSize: declaredLength, digests: digests)
    case .part(let uploadID, _):
      writer = try handler.store.makePartWriter(
        uploadID: uploadID, bucket: bucket, key: key, expectedSize: declaredLength,
        digests: digests)
    }
  }

  deinit {
    writer.abort()
  }

  func consume(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard failure == nil else { return false }
    do {
      try writer.write(bytes)
      return true
    } catch {
      failure = error
      return false
    }
  }

  func finish(_ error: HTTPBodyError?) -> HTTPResponse {
    do {
      if let failure { throw failure }
      if let error {
        throw S3Error(bodyError: error, limit: handler.configuration.maxObjectSize)
      }
      let response = try commit()
      return handler.stamped(response, request.requestID)
    } catch {
      writer.abort()
      return handler.response(for: error, head: request.head, requestID: request.requestID)
    }
  }

  /// Verifies what arrived and makes it the key's object.
  private func commit() throws -> HTTPResponse {
    if let declaredLength, declaredLength != writer.bytesWritten {
      throw S3Error(.incompleteBody)
    }
    writer.finishDigests()
    if let expectedSHA256, let sha, sha.finalize() != expectedSHA256 {
      throw S3Error(.xAmzContentSHA256Mismatch)
    }
    let info: ObjectInfo
    let metadata: ObjectMetadata
    let condition: WriteCondition
    switch target {
    case .part(let uploadID, let number):
      let part = try handler.store.commitPart(
        writer, uploadID: uploadID, number: number, expectedMD5: expectedMD5)
      var headers = HTTPHeaders()
      headers.add(name: "ETag", value: "\"\(part.etag)\"")
      return HTTPResponse(status: 200, headers: headers)
    case .object(let m, let c): (metadata, condition) = (m, c)
    }
    do {
      info = try handler.store.commit(
        writer, metadata: metadata, condition: condition, expectedMD5: expectedMD5)
    } catch .preconditionFailed {
      if case .ifMatch = condition,
        (try? handler.store.objectInfo(bucket: bucket, key: key)) == nil
      {
        // S3 answers a conditional overwrite of a missing key with NoSuchKey.
        throw S3Error(.noSuchKey, extra: [("Key", key)])
      }
      throw S3Error(
        .preconditionFailed, extra: [("Condition", handler.conditionName(condition))])
    }
    var headers = HTTPHeaders()
    headers.add(name: "ETag", value: "\"\(info.etag)\"")
    return HTTPResponse(status: 200, headers: headers)
  }
}
