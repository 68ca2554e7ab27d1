import Foundation
import LakeS3

extension LakeClient {
  /// Stores `data` under `key` with one PUT, its checksum computed first and sent in a header.
  ///
  /// Throws `PreconditionFailed` when `options.ifNoneMatch` is `"*"` and the key exists.
  @discardableResult
  public func putObject(
    bucket: String, key: String, data: Data, options: PutOptions = PutOptions()
  ) async throws(LakeClientError) -> PutResult {
    var headers = putHeaders(options)
    var checksum: String?
    if let algorithm = options.checksum {
      checksum = Checksum.base64(Checksum.digest(algorithm, of: data))
      headers.append((algorithm.headerName, checksum!))
    }
    let response = try await send(
      S3Request("PUT", bucket: bucket, key: key, headers: headers, body: .data(data)))
    return PutResult(
      etag: ETag.unquote(response.header("etag") ?? ""), checksum: checksum,
      size: Int64(data.count))
  }

  /// Uploads the file at `file` under `key`, streamed from disk (never whole in memory): one
  /// PUT below `configuration.multipartThreshold`, a parallel multipart upload above it.
  @discardableResult
  public func putObject(
    bucket: String, key: String, file: URL, options: PutOptions = PutOptions(),
    progress: (@Sendable (TransferProgress) -> Void)? = nil
  ) async throws(LakeClientError) -> PutResult {
    let identity = try LocalFile.identity(of: file)
    let size = identity.size
    if size <= LocalFile.chunk {
      // A small file is read once into memory: one read instead of a checksum pass plus
      // URLSession's streamed file body (many small files are bound by per-request work).
      let data = try LocalFile.read(file, offset: 0, length: Int(size))
      let result = try await putObject(bucket: bucket, key: key, data: data, options: options)
      progress?(TransferProgress(bytesDone: result.size, bytesTotal: result.size))
      return result
    }
    var headers = putHeaders(options)
    var checksum: String?
    if let algorithm = options.checksum {
      checksum = try LocalFile.checksum(algorithm, of: file)
      headers.append((algorithm.headerName, checksum!))
    }
    if size >= configuration.multipartThreshold {
      return try await uploadParts(
        bucket: bucket, key: key, file: file, identity: identity, options: options,
        fullChecksum: checksum, progress: progress)
    }
    progress?(TransferProgress(bytesDone: 0, bytesTotal: size))
    let response = try await send(
      S3Request("PUT", bucket: bucket, key: key, headers: headers, body: .file(file, length: size)))
    progress?(TransferProgress(bytesDone: size, bytesTotal: size))
    return PutResult(
      etag: ETag.unquote(response.header("etag") ?? ""), checksum: checksum, size: size)
  }

  /// The headers of a PUT with `options`, conditions included.
  func putHeaders(_ options: PutOptions) -> [(name: String, value: String)] {
    var headers = options.headers
    if let ifNoneMatch = options.ifNoneMatch { headers.append(("if-none-match", ifNoneMatch)) }
    if let ifMatch = options.ifMatch { headers.append(("if-match", ETag.quoted(ifMatch))) }
    return headers
  }

  /// Reads the whole object (or `range`, inclusive byte offsets) into memory. Use
  /// ``download(bucket:key:to:progress:)`` or ``objectBytes(bucket:key:)`` for objects that
  /// should not be held in memory.
  public func getObject(bucket: String, key: String, range: ClosedRange<Int64>? = nil)
    async throws(LakeClientError) -> (data: Data, head: ObjectHead)
  {
    let response = try await send(
      S3Request(
        "GET", bucket: bucket, key: key,
        headers: [("x-amz-checksum-mode", "ENABLED")] + Self.rangeHeaders(range, ifMatch: nil)))
    return (response.body, try ObjectHead(headers: response.headers))
  }

  /// `Range` for `range` (inclusive byte offsets) and `If-Match` for `ifMatch`, when given.
  static func rangeHeaders(_ range: ClosedRange<Int64>?, ifMatch: String?) -> [(
    name: String, value: String
  )] {
    var headers: [(name: String, value: String)] = []
    if let range { headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
    if let ifMatch { headers.append(("if-match", ETag.quoted(ifMatch))) }
    return headers
  }

  /// The object's size, ETag, dates, metadata and checksums, without its bytes.
  ///
  /// A HEAD answer has no body to name its error; on 404 a HEAD of the bucket tells
  /// `NoSuchBucket` from `NoSuchKey`.
  public func headObject(bucket: String, key: String) async throws(LakeClientError) -> ObjectHead {
    do {
      let response = try await send(
        S3Request("HEAD", bucket: bucket, key: key, headers: [("x-amz-checksum-mode", "ENABLED")]))
      return try ObjectHead(headers: response.headers)
    } catch  where error.status == 404 && error.code == "NoSuchKey" {
      if try await !bucketExists(bucket) {
        var missing = error
        missing.code = "NoSuchBucket"
        missing.message = "the bucket does not exist"
        missing.resource = "/\(bucket)"
        throw missing
      }
      throw error
    }
  }

  /// Whether `key` exists (a HEAD that answers 404 is `false`; other errors are thrown).
  public func objectExists(bucket: String, key: String) async throws(LakeClientError) -> Bool {
    do {
      _ = try await headObject(bucket: bucket, key: key)
      return true
    } catch  where error.code == "NoSuchKey" {
      return false
    }
  }

  /// Deletes `key`. Deleting a key that does not exist succeeds, as in S3.
  public func deleteObject(bucket: String, key: String) async throws(LakeClientError) {
    _ = try await send(S3Request("DELETE", bucket: bucket, key: key))
  }

  /// Copies an object on the service side (no bytes pass through the client) and returns the
  /// copy's ETag. Objects over 5 GiB need a multipart copy, which S3 refuses here.
  @discardableResult
  public func copyObject(
    from source: (bucket: String, key: String), to bucket: String, key: String,
    options: PutOptions? = nil
  ) async throws(LakeClientError) -> String {
    var headers: [(name: String, value: String)] = [
      (
        "x-amz-copy-source",
        URIEncoding.encode(source.bucket, keepSlash: false) + "/"
          + URIEncoding.encode(source.key, keepSlash: true)
      )
    ]
    if let options {
      headers.append(("x-amz-metadata-directive", "REPLACE"))
      headers += putHeaders(options)
    }
    let response = try await send(S3Request("PUT", bucket: bucket, key: key, headers: headers))
    do {
      return try CopyObjectResult(bytes: Array(response.body)).etag
    } catch {
      throw .invalidResponse("CopyObject answered no CopyObjectResult: \(error)")
    }
  }
}

extension LakeClient {
  /// The object's tags (GetObjectTagging).
  public func objectTags(bucket: String, key: String) async throws(LakeClientError) -> [String:
    String]
  {
    let response = try await send(
      S3Request("GET", bucket: bucket, key: key, query: [("tagging", "")]))
    do {
      return try ObjectTagging.parseDocument(Array(response.body))
    } catch {
      throw .invalidResponse("GetObjectTagging answered no Tagging document: \(error)")
    }
  }

  /// Replaces the object's tags (PutObjectTagging); an empty set removes them all.
  public func setObjectTags(bucket: String, key: String, _ tags: [String: String])
    async throws(LakeClientError)
  {
    if tags.isEmpty {
      _ = try await send(S3Request("DELETE", bucket: bucket, key: key, query: [("tagging", "")]))
      return
    }
    let body = Data(ObjectTagging.document(tags, namespace: s3XMLNamespace))
    _ = try await send(
      S3Request(
        "PUT", bucket: bucket, key: key, query: [("tagging", "")],
        headers: [Self.integrityHeader(body)], body: .data(body)))
  }
}

extension LakeClient {
  /// The checksum header S3 requires on DeleteObjects and PutObjectTagging bodies (it accepts
  /// Content-MD5 or an additional checksum): CRC32 of `body`.
  static func integrityHeader(_ body: Data) -> (name: String, value: String) {
    (ChecksumAlgorithm.crc32.headerName, Checksum.base64(Checksum.digest(.crc32, of: body)))
  }
}
