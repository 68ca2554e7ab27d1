#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension LakeStore {
  /// Copies the current object of `source` to `key` in `bucket` (CopyObject), with
  /// `metadata` (the source's, or replaced). The bytes are copied by the kernel
  /// (`copy_file_range`, read/write where it cannot) into a temp file, then committed with
  /// the PUT protocol under `condition`. The copy keeps the source's ETag and part layout (the
  /// bytes are the same, so a multipart ETag still describes them, and `partNumber` reads
  /// still work).
  ///
  /// `expectedSequence`, when given, is the source version the caller checked its conditions
  /// against: if another version is current, `.preconditionFailed`. Throws as `openObject`
  /// (for the source) and `commit` (for the destination) do.
  public func copyObject(
    sourceBucket: String, sourceKey: String, expectedSequence: Int64? = nil,
    bucket: String, key: String, metadata: ObjectMetadata, condition: WriteCondition = .none
  ) throws(LakeError) -> ObjectInfo {
    let opened = try openObject(bucket: sourceBucket, key: sourceKey)
    defer { FileOps.closeDescriptor(opened.descriptor) }
    let source = opened.info
    if let expectedSequence, expectedSequence != source.sequence { throw .preconditionFailed }
    let parts = try catalog.partLayout(
      bucket: sourceBucket, key: sourceKey, sequence: source.sequence)
    let writer = try makeWriter(bucket: bucket, key: key, expectedSize: source.size)
    do throws(LakeError) {
      try writer.append(
        file: opened.descriptor, length: source.size, path: source.storagePath)
      let sealed = try writer.seal(deferSync: true)
      return try commit(
        writer, sealed: sealed, etag: source.etag, metadata: metadata, condition: condition,
        parts: parts)
    } catch {
      writer.abort()
      throw error
    }
  }

  /// Streams `length` bytes of the current object of `source` from `offset` into `writer`
  /// through its digests (UploadPartCopy: the part's ETag is the MD5 of those bytes). Throws
  /// `.preconditionFailed` when `expectedSequence` is not the current version, and as
  /// `openObject` does.
  public func copyRange(
    sourceBucket: String, sourceKey: String, expectedSequence: Int64?, offset: Int64,
    length: Int64, into writer: ObjectWriter
  ) throws(LakeError) {
    let opened = try openObject(bucket: sourceBucket, key: sourceKey)
    defer { FileOps.closeDescriptor(opened.descriptor) }
    if let expectedSequence, expectedSequence != opened.info.sequence {
      throw .preconditionFailed
    }
    guard offset >= 0, length >= 0, offset <= opened.info.size - length else {
      throw .io(operation: "read range of", path: opened.info.storagePath, errno: EINVAL)
    }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    var position = offset
    let end = offset + length
    while position < end {
      let want = Int(min(Int64(buffer.count), end - position))
      let count = pread(opened.descriptor, buffer.baseAddress, want, off_t(position))
      if count < 0 {
        if errno == EINTR { continue }
        throw Errno.current.lakeError("read", opened.info.storagePath)
      }
      if count == 0 {
        throw .io(operation: "read", path: opened.info.storagePath, errno: ENODATA)
      }
      try writer.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
      position += Int64(count)
    }
  }
}

extension LakeStore {
  /// Replaces the tags of the key's current object (Put/DeleteObjectTagging); the file is not
  /// touched. Throws `.noSuchBucket`, `.noSuchKey`, `.catalog`.
  public func setTags(bucket: String, key: String, _ tags: [String: String]) throws(LakeError) {
    try checkOpen()
    try validateKey(key)
    let stripe = keyLocks.stripe(bucket: bucket, key: key)
    try stripe.withLock { () throws(LakeError) in
      try changeKey(bucket, key, on: stripe) { () throws(LakeError) in
        guard try catalog.setTags(bucket: bucket, key: key, tags) else {
          try requireBucket(bucket)
          throw .noSuchKey(bucket: bucket, key: key)
        }
      }
    }
  }
}
