import Foundation

extension LakeStore {
  /// Starts a PUT of `key` into `bucket`: creates a temp file the caller streams bytes into.
  /// `digests` are fed every byte besides the ETag's MD5; read them only after
  /// `ObjectWriter.finishDigests()`.
  /// Throws `.invalidKey`, `.noSuchBucket`, or `.io` when the temp file cannot be created.
  public func makeWriter(
    bucket: String, key: String, digests: [any ObjectDigest] = []
  ) throws(LakeError) -> ObjectWriter {
    try checkOpen()
    try validateKey(key)
    try requireBucket(bucket)
    return try ObjectWriter(
      bucket: bucket, key: key, layout: layout, writebackInterval: options.writebackInterval,
      digests: digests)
  }

  /// Makes the writer's bytes the key's object, durably and atomically, and returns the new
  /// row. When this returns, the object survives `kill -9` and power loss.
  ///
  /// Protocol: fsync the temp file; commit a write intent; take the key's lock; check
  /// `condition` against the current row; rename into place (plain path, or overflow on a
  /// directory-tree conflict); fsync the directory; commit row + intent removal + change log in
  /// one transaction; remove the replaced file if it lived elsewhere.
  ///
  /// Throws `.digestMismatch` when `expectedMD5` (raw 16 bytes from `Content-MD5`) differs,
  /// `.preconditionFailed` when `condition` does not hold, `.noSuchBucket` if the bucket was
  /// deleted meanwhile, `.io` or `.catalog`. On any error before the rename the old object is
  /// untouched and the temp file removed. After the rename the row is always committed, so
  /// catalog and file agree; if the directory fsync failed the call still throws `.io` (the
  /// write happened but must not be acknowledged as durable). If the final catalog commit
  /// itself fails (after one retry), the intent stays behind and recovery settles it at the
  /// next start. The writer is finished afterwards either way.
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
      let sealed = try writer.seal()
      if let expectedMD5, expectedMD5 != sealed.md5 { throw LakeError.digestMismatch }
      if condition != .none {
        // Fail fast without an intent; the check that counts is repeated under the lock.
        try Self.check(condition, against: catalog.object(bucket: writer.bucket, key: writer.key))
      }
      let plan = PlacementPlan(
        bucket: writer.bucket, key: writer.key, plainAllowed: layout.namesAreExact)
      let intent = try catalog.insertPutIntent(
        PutIntent(
          id: 0, bucket: writer.bucket, key: writer.key, tmpName: sealed.tmpName,
          storagePath: plan.preferredPath, fallbackPath: plan.fallbackPath, size: sealed.size,
          etag: Hex.encode(sealed.md5), metadata: metadata))
      let stripe = keyLocks.stripe(bucket: writer.bucket, key: writer.key)
      let (info, replaced) = try stripe.withLock { () throws(LakeError) -> (ObjectInfo, String?) in
        try commitHoldingLock(
          writer, intent: intent, plan: plan, condition: condition, stripe: stripe)
      }
      if let replaced { pruneEmptyParents(of: replaced) }
      return info
    } catch {
      writer.abort()
      throw error
    }
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
      let placed: Placed
      do throws(LakeError) {
        placed = try place(tmpName: intent.tmpName, plan: plan)
      } catch {
        try? catalog.deleteIntent(intent.id)
        throw error
      }
      writer.markCommitted()
      // From here on the file is in place: commit the row so catalog and file agree, even if
      // the write then cannot be acknowledged as durable.
      let row = ObjectInfo(
        bucket: intent.bucket, key: intent.key, size: intent.size, etag: intent.etag,
        lastModified: Milliseconds.date(Milliseconds.now()), metadata: intent.metadata,
        storagePath: placed.storagePath, sequence: 0)
      let committed = try finishPut(intentID: intent.id, row: row)
      var replaced: String?
      if let current, current.storagePath != placed.storagePath {
        _ = try? removeStoredFile(current.storagePath)
        replaced = current.storagePath
      }
      if let failure = placed.syncFailure { throw failure }
      return (committed, replaced)
    }
  }

  /// The final transaction, retried once (the file is already in place, so giving up leaves
  /// row and file disagreeing until recovery).
  private func finishPut(intentID: Int64, row: ObjectInfo) throws(LakeError) -> ObjectInfo {
    do {
      return try catalog.finishPut(intentID: intentID, object: row)
    } catch {
      if let committed = try? catalog.finishPut(intentID: intentID, object: row) {
        return committed
      }
      logger.info(
        "catalog commit failed after rename; the intent stays for recovery",
        metadata: ["bucket": "\(row.bucket)", "error": "\(error)"])
      throw error
    }
  }

  /// Throws `.preconditionFailed` unless `condition` holds for `current`.
  static func check(_ condition: WriteCondition, against current: ObjectInfo?) throws(LakeError) {
    switch condition {
    case .none:
      return
    case .ifNoneMatchAny:
      if current != nil { throw .preconditionFailed }
    case .ifMatch(let etag):
      guard let current else { throw .preconditionFailed }
      let wanted = Hex.normalizeETag(etag)
      if wanted != "*" && wanted != current.etag { throw .preconditionFailed }
    }
  }
}
