import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Multipart uploads. An upload is a catalog row; each part is a plain file in
/// `.lakestore/uploads/<upload id>/`, written with the PUT protocol (temp file, fsync, rename,
/// directory fsync, catalog row). Complete copies the parts into one temp file with
/// `copy_file_range`, then commits it like a PUT whose final transaction also removes the
/// upload, so a crash leaves either the upload with all its parts or the complete object.
extension LakeStore {
  /// Starts a multipart upload of `key`. Throws `.invalidKey`, `.noSuchBucket`.
  public func createMultipartUpload(
    bucket: String, key: String, metadata: ObjectMetadata, checksumAlgorithm: String? = nil,
    checksumType: String? = nil
  ) throws(LakeError) -> MultipartUpload {
    try checkOpen()
    try validateKey(key)
    let upload = MultipartUpload(
      id: Self.newUploadID(), bucket: bucket, key: key,
      initiated: Milliseconds.date(Milliseconds.now()), metadata: metadata,
      checksumAlgorithm: checksumAlgorithm, checksumType: checksumType)
    try catalog.insertUpload(upload)
    return upload
  }

  /// The open upload `id` of `key`. Throws `.noSuchUpload` (also for another key's upload).
  public func multipartUpload(id: String, bucket: String, key: String) throws(LakeError)
    -> MultipartUpload
  {
    try checkOpen()
    try requireBucket(bucket)
    return try catalog.upload(id, bucket: bucket, key: key)
  }

  /// Starts receiving one part of `upload` (as ``multipartUpload(id:bucket:key:)`` found
  /// it): a temp file the caller streams the part into, then hands to
  /// ``commitPart(_:uploadID:number:expectedMD5:checksum:)``, which checks again that the
  /// upload is still open. Throws `.io` (no temp file, or not enough free space for
  /// `expectedSize`).
  public func makePartWriter(
    for upload: MultipartUpload, expectedSize: Int64? = nil, digests: [any ObjectDigest] = []
  ) throws(LakeError) -> ObjectWriter {
    try checkOpen()
    try layout.checkFreeSpace(reserve: options.minFreeBytes, needed: expectedSize ?? 0)
    return try ObjectWriter(
      bucket: upload.bucket, key: upload.key, layout: layout,
      writebackInterval: options.writebackInterval,
      minFreeBytes: options.minFreeBytes, digests: digests, faults: options.faults)
  }

  /// Makes the writer's bytes part `number` of upload `uploadID`, durably; a part uploaded
  /// before under the same number is replaced (its file removed after the commit).
  /// Throws `.digestMismatch`, `.noSuchUpload` (aborted or completed meanwhile),
  /// `.uploadBusy` (a Complete is running), `.io`, `.catalog`; then nothing changed and the
  /// temp file is gone.
  public func commitPart(
    _ writer: ObjectWriter, uploadID: String, number: Int, expectedMD5: [UInt8]? = nil,
    checksum: String? = nil
  ) throws(LakeError) -> UploadedPart {
    do throws(LakeError) {
      try checkOpen()
      let sealed = try writer.seal()
      if let expectedMD5, expectedMD5 != sealed.md5 { throw LakeError.digestMismatch }
      let fileName = "\(number)-" + UniqueName.next()
      let path = Self.uploadPath(uploadID, fileName)
      let (bucket, key) = (writer.bucket, writer.key)
      let directory = try openUploadDirectory(uploadID, bucket: bucket, key: key)
      defer { FileOps.closeDescriptor(directory) }
      try options.faults.check(.rename, bucket: bucket, key: key, operation: "rename", path: path)
      do throws(Errno) {
        try FileOps.rename(layout.tmp, sealed.tmpName, directory, fileName)
      } catch {
        // An upload aborted meanwhile has lost its directory: say so rather than ENOENT.
        _ = try multipartUpload(id: uploadID, bucket: bucket, key: key)
        throw error.lakeError("rename", path)
      }
      writer.markCommitted()
      do throws(LakeError) {
        if let failure = syncDirectory(directory, path, of: (bucket, key)) { throw failure }
        try checkCatalogFault(.catalogCommit, bucket: bucket, key: key)
        let part = UploadedPart(
          number: number, size: sealed.size, etag: Hex.encode(sealed.md5),
          lastModified: Milliseconds.date(Milliseconds.now()), checksum: checksum)
        let replaced = try catalog.commitPart(
          StoredPart(part: part, fileName: fileName), uploadID: uploadID, bucket: bucket,
          key: key)
        if let replaced, replaced != fileName { try? FileOps.unlink(directory, replaced) }
        return part
      } catch {
        try? FileOps.unlink(directory, fileName)
        if case .noSuchUpload = error { removeUploadDirectory(uploadID) }
        throw error
      }
    } catch {
      writer.abort()
      throw error
    }
  }

  /// The upload and its parts after part number `after`, at most `limit` (ListParts).
  /// Throws `.noSuchBucket`, `.noSuchUpload`.
  public func listParts(
    uploadID: String, bucket: String, key: String, after: Int = 0, limit: Int = 1000
  ) throws(LakeError) -> (upload: MultipartUpload, parts: [UploadedPart]) {
    try checkOpen()
    try requireBucket(bucket)
    return try catalog.uploadParts(uploadID, bucket: bucket, key: key, after: after, limit: limit)
  }

  /// Removes the upload and its parts. Throws `.noSuchBucket`, `.noSuchUpload`,
  /// `.uploadBusy` while a Complete of it runs.
  public func abortMultipartUpload(uploadID: String, bucket: String, key: String)
    throws(LakeError)
  {
    try checkOpen()
    try requireBucket(bucket)
    try checkCatalogFault(.catalogCommit, bucket: bucket, key: key)
    try catalog.abortUpload(uploadID, bucket: bucket, key: key)
    removeUploadDirectoryLater(uploadID)
  }

  /// Assembles the listed parts, in order, into the key's object and removes the upload.
  ///
  /// Checks, in S3's order: parts in ascending order (`.invalidPartOrder`), each uploaded
  /// with that ETag (`.invalidPart`), each but the last at least `limits.minPartSize`
  /// (`.entityTooSmall`), the total within `limits.maxObjectSize` (`.entityTooLarge`).
  /// `prepare` then sees the upload and the chosen parts and returns the object's metadata
  /// (the server adds the combined checksum there); it may throw to refuse. The object's
  /// ETag is the MD5 of the parts' binary MD5s, `-<part count>`.
  ///
  /// While it runs the upload takes no parts (`.uploadBusy`). Durable and atomic like
  /// `commit`: when it throws, the key shows what it showed before and the upload is open
  /// again with all its parts; after a crash, recovery finds one or the other.
  public func completeMultipartUpload(
    uploadID: String, bucket: String, key: String, parts: [CompletedPart],
    limits: MultipartLimits = MultipartLimits(), condition: WriteCondition = .none,
    prepare: (MultipartUpload, [UploadedPart]) throws(LakeError) -> ObjectMetadata
  ) throws(LakeError) -> ObjectInfo {
    try checkOpen()
    try validateKey(key)
    try requireBucket(bucket)
    for index in parts.indices.dropFirst() where parts[index].number <= parts[index - 1].number {
      throw .invalidPartOrder
    }
    let (upload, stored) = try catalog.beginCompleting(uploadID, bucket: bucket, key: key)
    do throws(LakeError) {
      let chosen = try Self.choose(parts, from: stored, limits: limits)
      let metadata = try prepare(upload, chosen.map(\.part))
      let total = chosen.reduce(Int64(0)) { $0 + $1.part.size }
      let writer = try makeWriter(bucket: bucket, key: key, expectedSize: total)
      do throws(LakeError) {
        try assemble(chosen, uploadID: uploadID, into: writer)
        let sealed = try writer.seal(deferSync: true)
        var md5s: [UInt8] = []
        for part in chosen { md5s += Hex.decode(part.part.etag) ?? [] }
        let etag = Hex.encode(Array(Insecure.MD5.hash(data: md5s))) + "-\(chosen.count)"
        let info = try commit(
          writer, sealed: sealed, etag: etag, metadata: metadata, condition: condition,
          uploadID: uploadID, parts: Self.layout(of: chosen.map(\.part)))
        removeUploadDirectoryLater(uploadID)
        return info
      } catch {
        writer.abort()
        throw error
      }
    } catch {
      try? catalog.reopenUpload(uploadID)
      throw error
    }
  }

  /// The stored parts a Complete names, checked against S3's rules.
  static func choose(_ parts: [CompletedPart], from stored: [StoredPart], limits: MultipartLimits)
    throws(LakeError) -> [StoredPart]
  {
    var byNumber: [Int: StoredPart] = [:]
    for part in stored { byNumber[part.part.number] = part }
    var chosen: [StoredPart] = []
    var total: Int64 = 0
    for (index, wanted) in parts.enumerated() {
      guard let part = byNumber[wanted.number] else {
        throw .invalidPart("part \(wanted.number) was not uploaded")
      }
      guard Hex.normalizeETag(wanted.etag) == part.part.etag else {
        throw .invalidPart("part \(wanted.number) has another ETag")
      }
      if index < parts.count - 1 && part.part.size < limits.minPartSize {
        throw .entityTooSmall(
          part: wanted.number, size: part.part.size, minimum: limits.minPartSize)
      }
      total += part.part.size
      if total > limits.maxObjectSize {
        throw .entityTooLarge(size: total, limit: limits.maxObjectSize)
      }
      chosen.append(part)
    }
    return chosen
  }

  /// Copies the parts' files, in order, into the writer's temp file.
  private func assemble(_ parts: [StoredPart], uploadID: String, into writer: ObjectWriter)
    throws(LakeError)
  {
    let directory = try openUploadDirectory(uploadID, bucket: writer.bucket, key: writer.key)
    defer { FileOps.closeDescriptor(directory) }
    for part in parts {
      let path = Self.uploadPath(uploadID, part.fileName)
      let fd: Int32
      do throws(Errno) {
        fd = try FileOps.open(directory, part.fileName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
      } catch {
        throw error.lakeError("open", path)
      }
      defer { FileOps.closeDescriptor(fd) }
      try writer.append(file: fd, length: part.part.size, path: path)
    }
  }

  /// Aborts the uploads initiated before `cutoff` (the expiry sweep); returns how many.
  /// Uploads being completed are left alone.
  public func abortMultipartUploads(initiatedBefore cutoff: Date) throws(LakeError) -> Int {
    try checkOpen()
    var aborted = 0
    var skipped = Set<String>()
    while true {
      let batch = try catalog.uploads(
        initiatedBefore: Milliseconds.of(cutoff), limit: 256 + skipped.count
      ).filter { !skipped.contains($0.id) }
      if batch.isEmpty { return aborted }
      for upload in batch {
        do throws(LakeError) {
          try catalog.abortUpload(upload.id, bucket: upload.bucket, key: upload.key)
          removeUploadDirectoryLater(upload.id)
          aborted += 1
        } catch {
          skipped.insert(upload.id)
        }
      }
    }
  }

  /// Uploads initiated before `cutoff`, oldest first, at most `limit` (the admin listing).
  public func multipartUploads(initiatedBefore cutoff: Date, limit: Int) throws(LakeError)
    -> [MultipartUpload]
  {
    try checkOpen()
    return try catalog.uploads(initiatedBefore: Milliseconds.of(cutoff), limit: limit)
  }

  /// The parts of a multipart object, if the key's current row is version `sequence` and
  /// was completed from parts; nil otherwise.
  public func partLayout(bucket: String, key: String, sequence: Int64) throws(LakeError)
    -> PartLayout?
  {
    try checkOpen()
    return try catalog.partLayout(bucket: bucket, key: key, sequence: sequence)
  }

  /// The layout of the chosen parts; checksums only when every part has one.
  static func layout(of parts: [UploadedPart]) -> PartLayout {
    let checksums = parts.compactMap(\.checksum)
    return PartLayout(
      sizes: parts.map(\.size), checksums: checksums.count == parts.count ? checksums : nil)
  }

  /// 64 lowercase hex digits: the creation time in nanoseconds (16 digits, so uploads of one
  /// key created in the same millisecond still list in creation order), then 48 random ones.
  static func newUploadID() -> String {
    var generator = SystemRandomNumberGenerator()
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    let nanoseconds =
      UInt64(clamping: time.tv_sec) &* 1_000_000_000 &+ UInt64(clamping: time.tv_nsec)
    return ([nanoseconds] + (0..<3).map { _ in generator.next() as UInt64 }).map { value in
      let hex = String(value, radix: 16)
      return String(repeating: "0", count: 16 - hex.count) + hex
    }.joined()
  }

  static func uploadPath(_ uploadID: String, _ fileName: String) -> String {
    ".lakestore/uploads/\(uploadID)/\(fileName)"
  }

  /// Opens (creating, durably, if needed) the directory of an upload's parts. The ID must
  /// come from the catalog (it is one safe path component).
  private func openUploadDirectory(_ uploadID: String, bucket: String, key: String)
    throws(LakeError) -> Int32
  {
    guard Self.isUploadID(uploadID) else { throw .noSuchUpload(uploadID) }
    do throws(Errno) {
      do throws(Errno) {
        return try FileOps.openDirectory(layout.uploads, uploadID)
      } catch  where error.code == ENOENT {
        do throws(Errno) {
          try FileOps.makeDirectory(layout.uploads, uploadID)
        } catch  where error.code == EEXIST {}
        try FileOps.sync(layout.uploads)
        return try FileOps.openDirectory(layout.uploads, uploadID)
      }
    } catch {
      throw error.lakeError("open", ".lakestore/uploads/\(uploadID)")
    }
  }

  /// Whether `text` has the shape of an ID ``newUploadID()`` makes.
  static func isUploadID(_ text: String) -> Bool {
    text.utf8.count == 64
      && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
  }

  /// Queues ``removeUploadDirectory(_:)`` on the cleanup queue: the upload's rows are gone,
  /// so nothing reads its files any more.
  func removeUploadDirectoryLater(_ uploadID: String) {
    cleanup.async { self.removeUploadDirectory(uploadID) }
  }

  /// Waits until the part files queued for removal are gone (tests, `close`).
  func waitForCleanup() {
    cleanup.sync {}
  }

  /// Deletes an upload's directory and every file in it (best effort: recovery sweeps what
  /// is left at the next start).
  func removeUploadDirectory(_ uploadID: String) {
    guard Self.isUploadID(uploadID),
      let entries = try? DirectoryIterator(opening: uploadID, in: layout.uploads),
      let directory = try? FileOps.openDirectory(layout.uploads, uploadID)
    else { return }
    defer { FileOps.closeDescriptor(directory) }
    while let entry = try? entries.next() {
      if let name = entry.name { try? FileOps.unlink(directory, name) }
    }
    try? FileOps.unlink(layout.uploads, uploadID, isDirectory: true)
  }

  /// Removes what no catalog row names from `uploads/`; returns how many files and
  /// directories went. Runs in recovery, before any request.
  func sweepUploads() throws(LakeError) -> Int {
    let known = try catalog.uploadFiles()
    guard let entries = try? DirectoryIterator(directory: layout.uploads) else { return 0 }
    var removed = 0
    var names: [String] = []
    while let entry = try? entries.next() {
      if let name = entry.name { names.append(name) }
    }
    for name in names {
      guard let files = known[name] else {
        if (try? FileOps.unlink(layout.uploads, name)) != nil {
          removed += 1
        } else if Self.isUploadID(name) {
          removeUploadDirectory(name)
          removed += 1
        }
        continue
      }
      guard let inner = try? DirectoryIterator(opening: name, in: layout.uploads),
        let directory = try? FileOps.openDirectory(layout.uploads, name)
      else { continue }
      defer { FileOps.closeDescriptor(directory) }
      var strays: [String] = []
      while let entry = try? inner.next() {
        if let file = entry.name, !files.contains(file) { strays.append(file) }
      }
      for file in strays where (try? FileOps.unlink(directory, file)) != nil { removed += 1 }
    }
    return removed
  }
}

extension LakeStore {
  /// One page of ListMultipartUploads (see
  /// ``Catalog/listUploads(bucket:prefix:delimiter:keyMarker:uploadIDMarker:maxUploads:)``).
  /// Throws `.noSuchBucket`.
  public func listMultipartUploads(
    bucket: String, prefix: String = "", delimiter: String? = nil, keyMarker: String? = nil,
    uploadIDMarker: String? = nil, maxUploads: Int = 1000
  ) throws(LakeError) -> UploadListPage {
    try checkOpen()
    return try catalog.listUploads(
      bucket: bucket, prefix: prefix, delimiter: delimiter, keyMarker: keyMarker,
      uploadIDMarker: uploadIDMarker, maxUploads: maxUploads)
  }
}
