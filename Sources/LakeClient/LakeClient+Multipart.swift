import Foundation
import LakeS3

/// A part uploaded to a multipart upload: what CompleteMultipartUpload lists.
public struct UploadedPart: Sendable, Equatable, Codable {
  public var partNumber: Int
  /// The part's ETag, without quotes.
  public var etag: String
  /// The part's checksum (base64), when the upload has a checksum algorithm.
  public var checksum: String?
  public var size: Int64

  public init(partNumber: Int, etag: String, checksum: String? = nil, size: Int64) {
    self.partNumber = partNumber
    self.etag = etag
    self.checksum = checksum
    self.size = size
  }
}

extension LakeClient {
  /// Starts a multipart upload and returns its upload id. With a checksum algorithm in
  /// `options`, the upload's checksum type is `FULL_OBJECT` (CRCs) so the finished object has
  /// one checksum of all its bytes, as a single PUT would.
  public func createMultipartUpload(
    bucket: String, key: String, options: PutOptions = PutOptions()
  ) async throws(LakeClientError) -> String {
    var headers = options.headers
    if let algorithm = options.checksum {
      headers.append(("x-amz-checksum-algorithm", algorithm.rawValue))
      headers.append(
        ("x-amz-checksum-type", algorithm.supportsFullObject ? "FULL_OBJECT" : "COMPOSITE"))
    }
    let response = try await send(
      S3Request(
        "POST", bucket: bucket, key: key, query: [("uploads", "")], headers: headers,
        idempotent: false))
    do {
      return try InitiateMultipartUploadResult(bytes: Array(response.body)).uploadId
    } catch {
      throw .invalidResponse("CreateMultipartUpload answered no upload id: \(error)")
    }
  }

  /// Uploads one part (`partNumber` 1 to 10,000). The body is sent with an unsigned payload
  /// and, with an algorithm, its checksum in a header that the service verifies.
  public func uploadPart(
    bucket: String, key: String, uploadId: String, partNumber: Int, data: Data,
    checksum algorithm: ChecksumAlgorithm? = .crc64nvme
  ) async throws(LakeClientError) -> UploadedPart {
    var headers: [(name: String, value: String)] = []
    var checksum: String?
    if let algorithm {
      checksum = Checksum.base64(Checksum.digest(algorithm, of: data))
      headers.append((algorithm.headerName, checksum!))
    }
    var request = S3Request(
      "PUT", bucket: bucket, key: key,
      query: [("partNumber", String(partNumber)), ("uploadId", uploadId)], headers: headers,
      body: .data(data))
    request.signsPayload = false
    let response = try await send(request)
    return UploadedPart(
      partNumber: partNumber, etag: ETag.unquote(response.header("etag") ?? ""),
      checksum: checksum, size: Int64(data.count))
  }

  /// Finishes the upload from `parts` (in part-number order). `fullChecksum`, when given, is
  /// the whole object's checksum, which the service checks against the parts.
  @discardableResult
  public func completeMultipartUpload(
    bucket: String, key: String, uploadId: String, parts: [UploadedPart],
    checksum: (algorithm: ChecksumAlgorithm, value: String)? = nil
  ) async throws(LakeClientError) -> PutResult {
    let sorted = parts.sorted { $0.partNumber < $1.partNumber }
    let document = CompleteMultipartUpload(
      parts: sorted.map { part in
        var entry = CompleteMultipartUpload.Part(partNumber: part.partNumber, etag: part.etag)
        if let algorithm = checksum?.algorithm, let value = part.checksum {
          entry.checksums[algorithm] = value
        }
        return entry
      })
    var headers: [(name: String, value: String)] = []
    if let checksum { headers.append((checksum.algorithm.headerName, checksum.value)) }
    // S3 answers 200 with an <Error> body when Complete fails late; such an answer is an error.
    let response = try await send(
      S3Request(
        "POST", bucket: bucket, key: key, query: [("uploadId", uploadId)], headers: headers,
        body: .data(Data(document.xml().bytes))))
    if let error = try? S3ErrorDocument(bytes: Array(response.body)) {
      throw LakeClientError(
        .service, code: error.code, message: error.message, status: response.status,
        requestID: error.requestID ?? response.requestID, resource: "/\(bucket)/\(key)")
    }
    let size = sorted.reduce(0) { $0 + $1.size }
    do {
      let result = try CompleteMultipartUploadResult(bytes: Array(response.body))
      return PutResult(etag: result.etag, checksum: checksum?.value, size: size)
    } catch {
      // moto_server names its answer's root CompleteMultipartUploadResponse; take the ETag
      // from any root but an error.
      if let root = try? XMLReader.parse(Array(response.body)), let etag = root.child("ETag") {
        return PutResult(
          etag: ETag.unquote(etag.text), checksum: checksum?.value, size: size)
      }
      throw .invalidResponse("CompleteMultipartUpload answered no result: \(error)")
    }
  }

  /// Abandons the upload; the service deletes its parts.
  public func abortMultipartUpload(bucket: String, key: String, uploadId: String)
    async throws(LakeClientError)
  {
    _ = try await send(
      S3Request("DELETE", bucket: bucket, key: key, query: [("uploadId", uploadId)]))
  }

  /// Runs `body` with a new upload and completes nothing itself; if `body` throws or the task
  /// is cancelled, the upload is aborted (in a task of its own, so cancellation cannot stop
  /// the abort) and the error rethrown.
  func withMultipartUpload<T: Sendable>(
    bucket: String, key: String, options: PutOptions,
    _ body: (String) async throws(LakeClientError) -> T
  ) async throws(LakeClientError) -> T {
    let uploadId = try await createMultipartUpload(bucket: bucket, key: key, options: options)
    do {
      return try await body(uploadId)
    } catch {
      await abandon(bucket: bucket, key: key, uploadId: uploadId)
      throw Task.isCancelled ? .cancelled : error
    }
  }

  /// Aborts the upload in a task of its own, so a cancelled caller cannot stop the abort.
  func abandon(bucket: String, key: String, uploadId: String) async {
    let abort = Task {
      try? await self.abortMultipartUpload(bucket: bucket, key: key, uploadId: uploadId)
    }
    await abort.value
  }
}

/// A multipart upload that was started and neither completed nor aborted.
public struct PendingUpload: Sendable, Equatable {
  public var key: String
  public var uploadId: String
  public var initiated: Date
}

extension LakeClient {
  /// The bucket's unfinished multipart uploads under `prefix` (all pages).
  public func multipartUploads(bucket: String, prefix: String = "") async throws(LakeClientError)
    -> [PendingUpload]
  {
    var uploads: [PendingUpload] = []
    var markers: (key: String, uploadId: String)?
    while true {
      var query: [(name: String, value: String)] = [("uploads", ""), ("encoding-type", "url")]
      if !prefix.isEmpty { query.append(("prefix", prefix)) }
      if let markers {
        query.append(("key-marker", markers.key))
        query.append(("upload-id-marker", markers.uploadId))
      }
      let response = try await send(S3Request("GET", bucket: bucket, query: query))
      let page: ListMultipartUploadsResult
      do {
        page = try ListMultipartUploadsResult(bytes: Array(response.body))
      } catch {
        throw .invalidResponse(
          "ListMultipartUploads answered no ListMultipartUploadsResult: \(error)")
      }
      uploads += page.uploads.map {
        PendingUpload(key: $0.key, uploadId: $0.uploadId, initiated: $0.initiated)
      }
      guard page.isTruncated, let key = page.nextKeyMarker, let id = page.nextUploadIdMarker,
        markers.map({ $0 != (key, id) }) ?? true
      else { return uploads }
      markers = (key, id)
    }
  }
}
