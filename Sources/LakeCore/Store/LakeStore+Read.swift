#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension LakeStore {
  /// The key's current row (HEAD). Throws `.invalidKey`, `.noSuchBucket`, `.noSuchKey`.
  public func objectInfo(bucket: String, key: String) throws(LakeError) -> ObjectInfo {
    try checkOpen()
    try validateKey(key)
    let stripe = keyLocks.stripe(bucket: bucket, key: key)
    let before = stripe.currentVersion()
    if let info = objectCache.lookup(bucket: bucket, key: key, version: before) { return info }
    if let info = try catalog.object(bucket: bucket, key: key) {
      if stripe.currentVersion() == before { objectCache.store(info, version: before) }
      return info
    }
    try requireBucket(bucket)
    throw .noSuchKey(bucket: bucket, key: key)
  }

  /// Opens the key's object for reading (GET). `info` describes exactly the bytes behind the
  /// descriptor; a later overwrite or delete does not disturb reading it. The caller owns the
  /// descriptor and must close it.
  ///
  /// Does not take the key's lock unless a write to the same lock stripe overlaps: it checks
  /// the stripe's change counter before the lookup and after the open (a seqlock). Rows read
  /// recently come from the object cache, checked against the same counter.
  /// Throws `.invalidKey`, `.noSuchBucket`, `.noSuchKey`, or `.io` when the file is missing,
  /// is not a regular file, or its size differs from the catalog (run `fsck`).
  public func openObject(bucket: String, key: String) throws(LakeError) -> OpenedObject {
    try checkOpen()
    try validateKey(key)
    let stripe = keyLocks.stripe(bucket: bucket, key: key)
    for _ in 0..<3 {
      let before = stripe.currentVersion()
      if before % 2 == 1 { break }  // a write is mid-change: wait for it on the lock
      let cached = objectCache.lookup(bucket: bucket, key: key, version: before)
      do {
        let opened = try lookupAndOpen(bucket: bucket, key: key, cached: cached)
        if stripe.currentVersion() == before {
          if cached == nil { objectCache.store(opened.info, version: before) }
          return opened
        }
        FileOps.closeDescriptor(opened.descriptor)
      } catch {
        if stripe.currentVersion() == before { throw error }
      }
    }
    return try stripe.withLock { () throws(LakeError) -> OpenedObject in
      try lookupAndOpen(bucket: bucket, key: key, cached: nil)
    }
  }

  /// Opens the key's object only if that needs neither the catalog nor the disk: its row is
  /// in the object cache and its path in the kernel's lookup cache. Returns nil otherwise,
  /// and for every failure; ``openObject(bucket:key:)`` then gives the full answer. For
  /// callers that must not block, such as an event-loop thread.
  public func openObjectIfCached(bucket: String, key: String) -> OpenedObject? {
    guard !isClosedNow, !key.isEmpty, key.utf8.count <= options.maxKeyBytes else { return nil }
    let stripe = keyLocks.stripe(bucket: bucket, key: key)
    let before = stripe.currentVersion()
    guard before % 2 == 0,
      let info = objectCache.lookup(bucket: bucket, key: key, version: before),
      let opened = try? DirectoryWalk.openRegularFileIfCached(
        from: layout.root, at: info.storagePath)
    else { return nil }
    guard opened.size == info.size, stripe.currentVersion() == before else {
      FileOps.closeDescriptor(opened.descriptor)
      return nil
    }
    return OpenedObject(info: info, descriptor: opened.descriptor)
  }

  private func lookupAndOpen(bucket: String, key: String, cached: ObjectInfo?)
    throws(LakeError) -> OpenedObject
  {
    var found = cached
    if found == nil { found = try catalog.object(bucket: bucket, key: key) }
    guard let info = found else {
      try requireBucket(bucket)
      throw .noSuchKey(bucket: bucket, key: key)
    }
    let (descriptor, size): (Int32, Int64)
    do {
      (descriptor, size) = try DirectoryWalk.openRegularFile(
        from: layout.root, at: info.storagePath)
    } catch {
      throw error.lakeError("open", info.storagePath)
    }
    guard size == info.size else {
      FileOps.closeDescriptor(descriptor)
      throw .io(
        operation: "open (file size differs from the catalog; run fsck)", path: info.storagePath,
        errno: EIO)
    }
    return OpenedObject(info: info, descriptor: descriptor)
  }
}
