import Foundation
import LakeCore
import LakeHTTP
import LakeS3

/// A PutObject or UploadPart body on its way to disk: the HTTP layer hands it the bytes as
/// they arrive (``HTTPBodySink``), it decodes an aws-chunked body, streams the bytes into the
/// store's temp file while hashing (MD5, payload SHA-256, additional checksum), and at the end
/// verifies everything and commits durably. Nothing is stored when any check fails.
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
  /// The additional checksum asked for, and its running digest.
  private let checksum: ChecksumRequest?
  private let checksumDigest: ChecksumDigest?
  /// The object's length: the HTTP body's, or `x-amz-decoded-content-length`'s when the body
  /// is aws-chunked.
  private let declaredLength: Int64?
  /// Set when the body is aws-chunked.
  private var decoder: AWSChunkedDecoder?
  private let writer: ObjectWriter
  /// Why the body cannot be stored, once something failed.
  private var failure: Error?

  /// Checks the request's headers and creates the writer. Throws the S3 error to answer
  /// (`MissingContentLength`, `EntityTooLarge`, `InvalidDigest`, `InvalidRequest`,
  /// `NoSuchBucket`, `NoSuchUpload`…).
  init(
    _ handler: S3RequestHandler, bucket: String, key: String, request: S3Request,
    framing body: HTTPRequestBody
  ) throws {
    self.handler = handler
    self.request = request
    self.bucket = bucket
    self.key = key
    var checksum = try ChecksumRequest.parse(request.head.headers.map { ($0.name, $0.value) })
    var upload: MultipartUpload?
    if case .uploadPart(_, _, let uploadID, let number) = request.operation {
      target = .part(uploadID: uploadID, number: number)
      let found = try handler.store.multipartUpload(id: uploadID, bucket: bucket, key: key)
      checksum = try Self.partChecksum(checksum, upload: found)
      upload = found
    } else {
      var metadata = try handler.objectMetadata(request)
      metadata.contentEncoding = Self.storedContentEncoding(metadata.contentEncoding)
      if let type = checksum?.type, type != .fullObject {
        throw S3Error(.invalidRequest, "A single-part upload's checksum type is FULL_OBJECT.")
      }
      target = .object(metadata, try handler.writeCondition(request))
    }
    self.checksum = checksum
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
    case .streaming, .unsigned, nil: expectedSHA256 = nil
    }
    if let mode = try Self.chunkedMode(request) {
      guard let text = request.header("x-amz-decoded-content-length") else {
        throw S3Error(
          .missingContentLength, "An aws-chunked body needs x-amz-decoded-content-length.")
      }
      guard let length = Int64(text), length >= 0 else {
        throw S3Error(
          .invalidArgument, "x-amz-decoded-content-length is not a length.",
          extra: [("ArgumentName", "x-amz-decoded-content-length"), ("ArgumentValue", text)])
      }
      let announced = (request.header("x-amz-trailer") ?? "").split(separator: ",").map(String.init)
      decoder = AWSChunkedDecoder(mode: mode, decodedLength: length, announcedTrailers: announced)
      declaredLength = length
    } else {
      guard body.isChunked || body.declaredLength != nil else {
        throw S3Error(.missingContentLength)
      }
      declaredLength = body.declaredLength
    }
    if checksum?.inTrailer == true && decoder?.mode.signingChain != nil
      && decoder?.announcedTrailers.isEmpty == true
    {
      throw S3Error(.invalidRequest, "The checksum trailer is announced but the body has none.")
    }
    let maxObjectSize = handler.configuration.maxObjectSize
    if let length = declaredLength, length > maxObjectSize {
      throw S3Error(
        .entityTooLarge,
        extra: [("ProposedSize", String(length)), ("MaxSizeAllowed", String(maxObjectSize))])
    }
    let sha = expectedSHA256 == nil ? nil : SHA256Digest()
    self.sha = sha
    let checksumDigest = checksum.map { ChecksumDigest($0.algorithm) }
    self.checksumDigest = checksumDigest
    var digests: [any ObjectDigest] = []
    if let sha { digests.append(sha) }
    if let checksumDigest { digests.append(checksumDigest) }
    if let upload {
      writer = try handler.store.makePartWriter(
        for: upload, expectedSize: declaredLength, digests: digests)
    } else {
      writer = try handler.store.makeWriter(
        bucket: bucket, key: key, expectedSize: declaredLength, digests: digests)
    }
  }

  deinit {
    writer.abort()
  }

  func consume(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard failure == nil else { return false }
    do {
      if decoder != nil {
        let writer = self.writer
        try decoder!.decode(bytes) { decoded in try writer.write(decoded) }
      } else {
        try writer.write(bytes)
      }
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

  /// Verifies what arrived and makes it the key's object or the upload's part.
  private func commit() throws -> HTTPResponse {
    var trailers: [(name: String, value: String)] = []
    if decoder != nil {
      trailers = try decoder!.finish()
    } else if let declaredLength, declaredLength != writer.bytesWritten {
      throw S3Error(.incompleteBody)
    }
    writer.finishDigests()
    if let expectedSHA256, let sha, sha.finalize() != expectedSHA256 {
      throw S3Error(.xAmzContentSHA256Mismatch)
    }
    let checksumValue = try verifiedChecksum(trailers: trailers)
    var headers = HTTPHeaders()
    if let checksum, let checksumValue {
      headers.add(name: checksum.algorithm.headerName, value: checksumValue)
    }
    switch target {
    case .part(let uploadID, let number):
      let part = try handler.store.commitPart(
        writer, uploadID: uploadID, number: number, expectedMD5: expectedMD5,
        checksum: checksumValue)
      headers.add(name: "ETag", value: "\"\(part.etag)\"")
      return HTTPResponse(status: 200, headers: headers)
    case .object(var metadata, let condition):
      if let checksum, let checksumValue {
        metadata.checksum = ObjectChecksum(
          algorithm: checksum.algorithm.rawValue, type: ChecksumType.fullObject.rawValue,
          value: checksumValue)
        headers.add(name: "x-amz-checksum-type", value: ChecksumType.fullObject.rawValue)
      }
      let writer = self.writer
      let expectedMD5 = self.expectedMD5
      let info = try handler.commitWrite(bucket: bucket, key: key, condition: condition) {
        () throws(LakeError) in
        try handler.store.commit(
          writer, metadata: metadata, condition: condition, expectedMD5: expectedMD5)
      }
      headers.add(name: "ETag", value: "\"\(info.etag)\"")
      return HTTPResponse(status: 200, headers: headers)
    }
  }

  /// The base64 checksum of the bytes received, after checking it against the value the
  /// client sent (header or trailer): `BadDigest` when they differ.
  private func verifiedChecksum(trailers: [(name: String, value: String)]) throws -> String? {
    guard let checksum, let checksumDigest else { return nil }
    let computed = checksumDigest.finalize()
    var expected = checksum.expected
    if checksum.inTrailer {
      guard let text = trailers.first(where: { $0.name == checksum.algorithm.headerName })?.value,
        let digest = Checksum.decodeBase64(text, for: checksum.algorithm)
      else {
        throw S3Error(
          .invalidRequest, "The \(checksum.algorithm.headerName) trailer is missing or invalid.")
      }
      expected = digest
    }
    if let expected, expected != computed {
      throw S3Error(
        .badDigest,
        "The \(checksum.algorithm.rawValue) you specified did not match the calculated checksum.")
    }
    return Checksum.base64(computed)
  }

  /// The aws-chunked mode of the body, from `x-amz-content-sha256` (signed modes only with a
  /// verified signature); nil for a plain body.
  static func chunkedMode(_ request: S3Request) throws -> AWSChunkedDecoder.Mode? {
    if let authentication = request.authentication {
      guard case .streaming = authentication.payload else { return nil }
      return try AWSChunkedDecoder.Mode(authentication: authentication)
    }
    // Anonymous writes (when allowed) may still stream with unsigned trailers.
    switch request.header("x-amz-content-sha256") {
    case AWSChunkedDecoder.unsignedPayloadTrailer?: return .unsignedWithTrailer
    case let value? where value.hasPrefix("STREAMING-"):
      throw S3Error(.accessDenied, "A signed streaming body needs a signed request.")
    default: return nil
    }
  }

  /// The Content-Encoding to store: the request's without `aws-chunked` (S3 removes it:
  /// `gzip, aws-chunked` is stored as `gzip`), nil when nothing remains.
  static func storedContentEncoding(_ value: String?) -> String? {
    guard let value else { return nil }
    let kept = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && $0.lowercased() != "aws-chunked" }
    return kept.isEmpty ? nil : kept.joined(separator: ", ")
  }

  /// A part's checksum: the one it sends, which must be the upload's algorithm when the
  /// upload named one; when it sends none, the upload's algorithm is computed for it.
  static func partChecksum(_ sent: ChecksumRequest?, upload: MultipartUpload) throws
    -> ChecksumRequest?
  {
    guard let name = upload.checksumAlgorithm, let algorithm = ChecksumAlgorithm(name: name) else {
      return sent
    }
    guard let sent else { return ChecksumRequest(algorithm: algorithm) }
    guard sent.algorithm == algorithm else {
      throw S3Error(
        .invalidRequest,
        "Checksum Type mismatch occurred, expected checksum Type: \(name.lowercased()), actual checksum Type: \(sent.algorithm.rawValue.lowercased())"
      )
    }
    return sent
  }
}

/// An additional checksum fed by the object writer (possibly on its hashing thread; the
/// writer orders every access, see `ObjectDigest`).
final class ChecksumDigest: ObjectDigest, @unchecked Sendable {
  private var state: Checksum

  init(_ algorithm: ChecksumAlgorithm) {
    state = Checksum(algorithm)
  }

  func update(_ bytes: UnsafeRawBufferPointer) {
    state.update(bytes)
  }

  /// The digest; call after `ObjectWriter.finishDigests()`.
  func finalize() -> [UInt8] {
    state.finalize()
  }
}
