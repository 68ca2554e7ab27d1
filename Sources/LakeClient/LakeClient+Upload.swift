import Foundation
import LakeS3

extension LakeClient {
  /// Uploads a file in parts of `configuration.partSize`, `configuration.parallelism` at once;
  /// memory stays near `partSize * parallelism`. A failure or cancellation aborts the upload.
  func uploadParts(
    bucket: String, key: String, file: URL, identity: (size: Int64, modified: Int64),
    options: PutOptions, fullChecksum: String?,
    progress: (@Sendable (TransferProgress) -> Void)?
  ) async throws(LakeClientError) -> PutResult {
    let size = identity.size
    // Parts of the configured size, grown (in whole MiB) when the file would need more than
    // S3's 10,000 parts.
    let mebibyte: Int64 = 1 << 20
    let fitting = (size + 9_999) / 10_000
    let partSize = max(
      5 * mebibyte, configuration.partSize, (fitting + mebibyte - 1) / mebibyte * mebibyte)
    let count = Int((size + partSize - 1) / partSize)
    let counter = ProgressCounter(total: size, report: progress)
    let collected = PartCollector()
    let algorithm = options.checksum
    var resumed: (uploadId: String, parts: [UploadedPart])?
    if options.resumable, let journal = UploadJournal.load(for: file),
      journal.matches(
        bucket: bucket, key: key, size: identity.size, modified: identity.modified,
        checksum: fullChecksum), journal.partSize == partSize
    {
      do {
        let held = try await listParts(bucket: bucket, key: key, uploadId: journal.uploadId)
        resumed = (journal.uploadId, held)
      } catch  where error.status == 404 {
        UploadJournal.remove(for: file)  // the upload is gone (completed, aborted, expired)
      }
    }
    let uploadId: String
    var pending = Array(1...max(1, count))
    if let resumed {
      uploadId = resumed.uploadId
      for part in resumed.parts {
        let offset = Int64(part.partNumber - 1) * partSize
        guard part.partNumber <= count, part.size == min(partSize, size - offset) else { continue }
        collected.add(part)
        counter.add(part.size)
        pending.removeAll { $0 == part.partNumber }
      }
    } else {
      uploadId = try await createMultipartUpload(bucket: bucket, key: key, options: options)
      if options.resumable {
        UploadJournal(
          bucket: bucket, key: key, uploadId: uploadId, size: identity.size,
          modifiedNanoseconds: identity.modified, partSize: partSize, checksum: fullChecksum
        ).save(for: file)
      }
    }
    do throws(LakeClientError) {
      try await forEachConcurrently(pending, limit: configuration.parallelism) {
        number throws(LakeClientError) in
        let offset = Int64(number - 1) * partSize
        let data = try LocalFile.read(
          file, offset: offset, length: Int(min(partSize, size - offset)))
        let part = try await self.uploadPart(
          bucket: bucket, key: key, uploadId: uploadId, partNumber: number, data: data,
          checksum: algorithm)
        collected.add(part)
        counter.add(part.size)
      }
      let result = try await completeMultipartUpload(
        bucket: bucket, key: key, uploadId: uploadId, parts: collected.parts,
        checksum: zip(algorithm, fullChecksum))
      if options.resumable { UploadJournal.remove(for: file) }
      return result
    } catch {
      await abandon(bucket: bucket, key: key, uploadId: uploadId)
      if options.resumable { UploadJournal.remove(for: file) }
      throw Task.isCancelled ? .cancelled : error
    }
  }

  /// Every part the service holds for the upload (ListParts, all pages).
  public func listParts(bucket: String, key: String, uploadId: String)
    async throws(LakeClientError) -> [UploadedPart]
  {
    var parts: [UploadedPart] = []
    var marker: Int?
    while true {
      var query: [(name: String, value: String)] = [("uploadId", uploadId)]
      if let marker { query.append(("part-number-marker", String(marker))) }
      let response = try await send(S3Request("GET", bucket: bucket, key: key, query: query))
      let page: ListPartsResult
      do {
        page = try ListPartsResult(bytes: Array(response.body))
      } catch {
        throw .invalidResponse("ListParts answered no ListPartsResult: \(error)")
      }
      parts += page.parts.map {
        UploadedPart(
          partNumber: $0.partNumber, etag: $0.etag, checksum: $0.checksum?.value, size: $0.size)
      }
      guard page.isTruncated, let next = page.nextPartNumberMarker, next != marker else {
        return parts
      }
      marker = next
    }
  }

  /// Uploads bytes that arrive as chunks of any size, total length unknown (an ingestion job
  /// producing data as it goes). Chunks are gathered into parts of `configuration.partSize`:
  /// if the stream ends before the first part fills, one PUT sends it; otherwise a multipart
  /// upload sends the parts, up to `configuration.parallelism` at once, so memory stays near
  /// `partSize * (parallelism + 1)`. The full-object checksum is computed as the bytes pass.
  /// A failure, or cancellation, of the stream or of an upload aborts the multipart upload.
  @discardableResult
  public func putObject<Chunks: AsyncSequence & Sendable>(
    bucket: String, key: String, chunks: Chunks, options: PutOptions = PutOptions(),
    progress: (@Sendable (TransferProgress) -> Void)? = nil
  ) async throws(LakeClientError) -> PutResult where Chunks.Element == Data {
    let partSize = Int(max(5 * 1024 * 1024, configuration.partSize))
    var iterator = chunks.makeAsyncIterator()
    var running = options.checksum.map { Checksum($0) }
    var buffer = Data()
    var ended = false

    /// Fills `buffer` to a part (or to the end of the stream).
    func fill() async throws(LakeClientError) {
      while buffer.count < partSize {
        let chunk: Data?
        do {
          chunk = try await iterator.next()
        } catch let error as LakeClientError {
          throw error
        } catch {
          throw .local("the data source failed: \(error)")
        }
        guard let chunk else {
          ended = true
          return
        }
        chunk.withUnsafeBytes { running?.update($0) }
        buffer.append(chunk)
      }
    }

    try await fill()
    if ended {
      var headers = putHeaders(options)
      var checksum: String?
      if let state = running, let algorithm = options.checksum {
        checksum = Checksum.base64(state.finalize())
        headers.append((algorithm.headerName, checksum!))
      }
      let response = try await send(
        S3Request("PUT", bucket: bucket, key: key, headers: headers, body: .data(buffer)))
      progress?(TransferProgress(bytesDone: Int64(buffer.count), bytesTotal: Int64(buffer.count)))
      return PutResult(
        etag: ETag.unquote(response.header("etag") ?? ""), checksum: checksum,
        size: Int64(buffer.count))
    }
    let counter = ProgressCounter(total: nil, report: progress)
    let collected = PartCollector()
    return try await withMultipartUpload(bucket: bucket, key: key, options: options) {
      uploadId throws(LakeClientError) in
      do {
        try await withThrowingTaskGroup(of: Void.self) { group in
          var number = 0
          var inFlight = 0
          while !buffer.isEmpty {
            number += 1
            guard number <= 10_000 else {
              throw LakeClientError(
                .local, code: "TooManyParts",
                message:
                  "the stream needs more than 10,000 parts of \(partSize) bytes; raise the part size"
              )
            }
            let part = buffer.prefix(partSize)
            buffer = Data(buffer.dropFirst(partSize))
            if inFlight == max(1, configuration.parallelism) {
              try await group.next()
              inFlight -= 1
            }
            let partNumber = number
            group.addTask {
              let uploaded = try await self.uploadPart(
                bucket: bucket, key: key, uploadId: uploadId, partNumber: partNumber,
                data: Data(part), checksum: options.checksum)
              collected.add(uploaded)
              counter.add(uploaded.size)
            }
            inFlight += 1
            if !ended { try await fill() }
          }
          try await group.waitForAll()
        }
      } catch let error as LakeClientError {
        throw error
      } catch {
        throw .cancelled
      }
      let checksum = zip(options.checksum, running.map { Checksum.base64($0.finalize()) })
      return try await completeMultipartUpload(
        bucket: bucket, key: key, uploadId: uploadId, parts: collected.parts, checksum: checksum)
    }
  }
}

/// Parts finished by concurrent tasks.
final class PartCollector: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [UploadedPart] = []

  func add(_ part: UploadedPart) {
    lock.lock()
    list.append(part)
    lock.unlock()
  }

  var parts: [UploadedPart] {
    lock.lock()
    defer { lock.unlock() }
    return list.sorted { $0.partNumber < $1.partNumber }
  }
}

/// Both values, or nil.
func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
  guard let a, let b else { return nil }
  return (a, b)
}
