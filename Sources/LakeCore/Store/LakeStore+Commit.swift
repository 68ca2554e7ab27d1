import Foundation

extension LakeStore {
  /// Starts a PUT of `key` into `bucket`: creates a temp file the caller streams bytes into.
  /// `digests` are fed every byte besides the ETag's MD5; read them only after
  /// `ObjectWriter.finishDigests()`.
  /// Throws `.invalidKey`, `.noSuchBucket`, or `.io` when the temp file cannot be created.
  /// `expectedSize`, when the length is known up front, is checked against the free-space
  /// reserve (`StoreOptions.minFreeBytes`) before anything is written: `.io` with `ENOSPC`.
  public func makeWriter(
    bucket: String, key: String, expectedSize: Int64? = nil, digests: [any ObjectDigest] = []
  ) throws(LakeError) -> ObjectWriter {
    try checkOpen()
    try validateKey(key)
    try requireBucket(bucket)
    try layout.checkFreeSpace(reserve: options.minFreeBytes, needed: expectedSize ?? 0)
    return try ObjectWriter(
      bucket: bucket, key: key, layout: layout, writebackInterval: options.writebackInterval,
      minFreeBytes: options.minFreeBytes, digests: digests, faults: options.faults)
  }

  /// Makes the writer's bytes the key's object, durably and atomically, and returns the new
  /// row. When this returns, the object survives `kill -9` and power loss.
  ///
  /// Protocol: commit a write intent; fsync the temp file and the intent (overlapping); take
  /// the key's lock; check `condition` against the current row; keep the version being
  /// replaced reachable (a hard link in `tmp/`); rename into place (plain path, or overflow
  /// on a directory-tree conflict); fsync the directory; commit row + intent removal + change
  /// log in one transaction, which need not wait for the disk (recovery redoes it from the
  /// durable intent and renamed file); drop the kept link, or remove the replaced file if it
  /// lived elsewhere.
  ///
  /// Throws `.digestMismatch` when `expectedMD5` (raw 16 bytes from `Content-MD5`) differs,
  /// `.preconditionFailed` when `condition` does not hold, `.noSuchBucket` if the bucket was
  /// deleted meanwhile, `.io` or `.catalog`. Whenever it throws, the key still shows the
  /// version it showed before (a failure after the rename, of the directory fsync or the
  /// catalog commit, puts that version back) and the temp file is removed. The writer is
  /// finished afterwards either way. Every step goes through `StoreOptions.faults`.
  public func commit(
    _ writer: ObjectWriter, metadata: ObjectMetadata, condition: WriteCondition = .none,
    expectedMD5: [UInt8]? = nil
  ) throws(LakeError) -> ObjectInfo {
    guard writer.layout === layout else {
      writer.abort()
      throw .io(operation: "commit (writer of another store)", path: writer.tmpPath, errno: EINVAL)
    }
    do throws(LakeError) {
      try checkOpen()
      let sealed = try writer.seal(deferSync: true)
      if let expectedMD5, expectedMD5 != sealed.md5 { throw LakeError.digestMismatch }
      return try commit(
        writer, sealed: sealed, etag: Hex.encode(sealed.md5), metadata: metadata,
        condition: condition)
    } catch {
      writer.abort()
      throw error
    }
  }

  /// The durable part of `commit` for a sealed writer: intent, lock, condition, rename,
  /// directory fsync, final transaction (which also removes `uploadID`'s upload, for a
  /// Complete). Throws as `commit` does; the caller aborts the writer on error.
  func commit(
    _ writer: ObjectWriter, sealed: ObjectWriter.Sealed, etag: String, metadata: ObjectMetadata,
    condition: WriteCondition, uploadID: String? = nil, parts: PartLayout? = nil
  ) throws(LakeError) -> ObjectInfo {
    if condition != .none {
      // Fail fast without an intent; the check that counts is repeated under the lock.
      try Self.check(condition, against: catalog.object(bucket: writer.bucket, key: writer.key))
    }
    let plan = PlacementPlan(
      bucket: writer.bucket, key: writer.key, plainAllowed: layout.namesAreExact)
    try checkCatalogFault(.intent, bucket: plan.bucket, key: plan.key)
    let (intent, ticket) = try catalog.stagePutIntent(
      PutIntent(
        id: 0, bucket: writer.bucket, key: writer.key, tmpName: sealed.tmpName,
        storagePath: plan.preferredPath, fallbackPath: plan.fallbackPath, size: sealed.size,
        etag: etag, metadata: metadata, fileID: sealed.fileID, uploadID: uploadID,
        parts: parts))
    // The temp file's fsync (if the caller deferred it) overlaps the intent's WAL fsync,
    // which another write's round often covers meanwhile; both end before the rename.
    do throws(LakeError) {
      try writer.syncSealed()
      try catalog.awaitDurable(ticket)
    } catch {
      try? catalog.deleteIntent(intent.id)
      throw error
    }
    let stripe = keyLocks.stripe(bucket: writer.bucket, key: writer.key)
    let (info, replaced) = try stripe.withLock { () throws(LakeError) -> (ObjectInfo, String?) in
      try commitHoldingLock(
        writer, intent: intent, plan: plan, condition: condition, stripe: stripe)
    }
    if let replaced { pruneEmptyParents(of: replaced) }
    return info
  }

  /// The locked part of `commit`. Returns the new row and the replaced plain path (if a file
  /// at another plain path was removed, so its parents can be pruned).
  private func commitHoldingLock(
    _ writer: ObjectWriter, intent: PutIntent, plan: PlacementPlan, condition: WriteCondition,
    stripe: KeyLockTable.Stripe
  ) throws(LakeError) -> (ObjectInfo, String?) {
    let current: ObjectInfo?
    do {
      current = try catalog.object(bucket: intent.bucket, key: intent.key)
      try Self.check(condition, against: current)
    } catch {
      try? catalog.deleteIntent(intent.id)
      throw error
    }
    return try changeKey(intent.bucket, intent.key, on: stripe) {
      () throws(LakeError) -> (ObjectInfo, String?) in
      // The version this write replaces stays reachable (a hard link in tmp/) until the
      // catalog names the new one, so a failure after the rename can put it back.
      let kept: Aside?
      let placed: Placed
      do throws(LakeError) {
        kept =
          try current.flatMap { (current) throws(LakeError) -> Aside? in
            guard current.storagePath == plan.preferredPath else { return nil }
            return try setAside(current.storagePath, link: true, bucket: plan.bucket, key: plan.key)
          }
        do throws(LakeError) {
          placed = try place(tmpName: intent.tmpName, plan: plan)
        } catch {
          if let kept { discard(kept) }
          throw error
        }
      } catch {
        try? catalog.deleteIntent(intent.id)
        throw error
      }
      writer.markCommitted()
      let row = ObjectInfo(
        bucket: intent.bucket, key: intent.key, size: intent.size, etag: intent.etag,
        lastModified: Milliseconds.date(Milliseconds.now()), metadata: intent.metadata,
        storagePath: placed.storagePath, sequence: 0)
      let committed: ObjectInfo
      do throws(LakeError) {
        if let failure = placed.syncFailure { throw failure }
        committed = try finishPut(intent, row: row)
      } catch {
        undoPut(placed: placed.storagePath, kept: kept, intent: intent, cause: error)
        throw error
      }
      if let kept { discard(kept) }
      var replaced: String?
      if let current, current.storagePath != placed.storagePath {
        _ = try? removeStoredFile(current.storagePath)
        replaced = current.storagePath
      }
      return (committed, replaced)
    }
  }

  /// The final transaction, tried twice (a busy or briefly failing catalog gets a second
  /// chance before the write is taken back).
  private func finishPut(_ intent: PutIntent, row: ObjectInfo) throws(LakeError) -> ObjectInfo {
    var attempts = 0
    while true {
      do throws(LakeError) {
        try checkCatalogFault(.catalogCommit, bucket: row.bucket, key: row.key)
        // The rename and the intent are durable: recovery redoes this transaction if a
        // crash loses it, so it need not wait for the WAL fsync (see Docs/reliability.md).
        return try catalog.finishPut(intent, object: row, durable: false)
      } catch {
        attempts += 1
        if attempts == 2 { throw error }
      }
    }
  }

  /// Takes back a PUT whose file was renamed into place but which cannot be acknowledged (the
  /// directory fsync or the catalog commit failed): the replaced version goes back to its
  /// path, or a new key's file is removed, and the intent is dropped, so the key shows what
  /// it showed before. If the catalog cannot drop the intent either, recovery does at the
  /// next start (the file at the path no longer matches it). Failures here are logged; the
  /// caller reports the original one.
  private func undoPut(placed: String, kept: Aside?, intent: PutIntent, cause: LakeError) {
    var problems: [String] = []
    if let kept, kept.storagePath == placed {
      if let failure = restore(kept) { problems.append("\(failure)") }
    } else {
      if let failure = (try? removeStoredFile(placed)) ?? nil { problems.append("\(failure)") }
      if let kept { discard(kept) }
      pruneEmptyParents(of: placed)
    }
    finishTakingBack(
      "write", intentID: intent.id, bucket: intent.bucket, cause: cause, problems: problems)
  }

  /// Throws `.preconditionFailed` unless `condition` holds for `current`.
  static func check(_ condition: WriteCondition, against current: ObjectInfo?) throws(LakeError) {
    switch condition {
    case .none:
      return
    case .ifNoneMatchAny:
      if current != nil { throw .preconditionFailed }
    case .ifNoneMatch(let etag):
      if let current, Hex.normalizeETag(etag) == current.etag { throw .preconditionFailed }
    case .ifMatch(let etag):
      guard let current else { throw .preconditionFailed }
      let wanted = Hex.normalizeETag(etag)
      if wanted != "*" && wanted != current.etag { throw .preconditionFailed }
    }
  }
}
