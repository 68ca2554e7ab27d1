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
    if let hit = objectCache.lookup(bucket: bucket, key: key, version: before) { return hit.info }
    if let info = try catalog.object(bucket: bucket, key: key) {
      if stripe.currentVersion() == before {
        objectCache.store(info, descriptor: nil, version: before)
      }
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
  /// the stripe's change counter before the lookup and after the open (a seqlock). Keys read
  /// recently come from the object cache (row, and a descriptor to duplicate), checked
  /// against the same counter.
  /// Throws `.invalidKey`, `.noSuchBucket`, `.noSuchKey`, or `.io` when the file is missing,
  /// is not a regular file, or its size differs from the catalog (run `fsck`).
  public func openObject(bucket: String, key: String) throws(LakeError) -> OpenedObject {
    try openObject(bucket: bucket, key: key, caching: true)
  }

  /// ``openObject(bucket:key:)``, storing what it opened in the object cache only when
  /// `caching` (the indexer reads every new object once and must not evict the hot ones).
  func openObject(bucket: String, key: String, caching: Bool) throws(LakeError) -> OpenedObject {
    try checkOpen()
    try validateKey(key)
    let stripe = keyLocks.stripe(bucket: bucket, key: key)
    for _ in 0..<3 {
      let before = stripe.currentVersion()
      if before % 2 == 1 { break }  // a write is mid-change: wait for it on the lock
      let hit = objectCache.lookup(bucket: bucket, key: key, version: before)
      if let hit, let opened = duplicate(hit) {
        return opened  // the entry's version matched: its file is the current one
      }
      do {
        let opened = try lookupAndOpen(bucket: bucket, key: key, cached: hit?.info)
        if stripe.currentVersion() == before {
          if caching {
            objectCache.store(opened.info, descriptor: opened.descriptor, version: before)
          }
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

  /// Opens the file of `row`, the key's row as read moments ago (the indexer reads a
  /// batch's rows together): ``openObject(bucket:key:caching:)`` without the catalog read
  /// while no write to the key runs meanwhile, that call itself otherwise. A write that
  /// completes before this call is not noticed: the indexer records a version only while it
  /// is still the key's current one, so a file read under an older row is never recorded.
  func openObject(row: ObjectInfo) throws(LakeError) -> OpenedObject {
    try checkOpen()
    let stripe = keyLocks.stripe(bucket: row.bucket, key: row.key)
    let before = stripe.currentVersion()
    if before % 2 == 0,
      let opened = try? lookupAndOpen(bucket: row.bucket, key: row.key, cached: row)
    {
      if stripe.currentVersion() == before { return opened }
      FileOps.closeDescriptor(opened.descriptor)
    }
    return try openObject(bucket: row.bucket, key: row.key, caching: false)
  }

  /// Opens the key's object only if that needs neither the catalog nor the disk: its row is
  /// in the object cache, and its file is either held open there or reachable through the
  /// kernel's lookup cache. Returns nil otherwise, and for every failure;
  /// ``openObject(bucket:key:)`` then gives the full answer. For callers that must not
  /// block, such as an event-loop thread.
  ///
  /// When the cache holds the file open, its descriptor is lent (``OpenedObject/owner`` set,
  /// no `dup`, no `fstat`): keep the owner while reading and do not close the descriptor.
  public func openObjectIfCached(bucket: String, key: String) -> OpenedObject? {
    guard !isClosedNow, !key.isEmpty, key.utf8.count <= options.maxKeyBytes else { return nil }
    let stripe = keyLocks.stripe(bucket: bucket, key: key)
    let before = stripe.currentVersion()
    guard before % 2 == 0,
      let hit = objectCache.lookup(bucket: bucket, key: key, version: before)
    else { return nil }
    // The cache's open file is lent, not duplicated: it stays open while the caller holds
    // it, even if a writer replaces the key meanwhile (its size was checked when opened).
    if let file = hit.file {
      return OpenedObject(info: hit.info, descriptor: file.descriptor, owner: file)
    }
    guard
      let opened = try? DirectoryWalk.openRegularFileIfCached(
        from: layout.root, at: hit.info.storagePath)
    else { return nil }
    guard opened.size == hit.info.size, stripe.currentVersion() == before else {
      FileOps.closeDescriptor(opened.descriptor)
      return nil
    }
    objectCache.store(hit.info, descriptor: opened.descriptor, version: before)
    return OpenedObject(info: hit.info, descriptor: opened.descriptor)
  }

  /// A new descriptor for the file a cache entry holds open, or nil when it holds none or
  /// the file's size no longer matches the row (changed behind the store's back: the caller
  /// then opens by path and reports it).
  private func duplicate(_ hit: ObjectInfoCache.Hit) -> OpenedObject? {
    guard let file = hit.file, let copy = try? FileOps.duplicate(file.descriptor) else {
      return nil
    }
    guard let status = try? FileOps.status(copy), Int64(status.st_size) == hit.info.size else {
      FileOps.closeDescriptor(copy)
      objectCache.remove(bucket: hit.info.bucket, key: hit.info.key)
      return nil
    }
    return OpenedObject(info: hit.info, descriptor: copy)
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
