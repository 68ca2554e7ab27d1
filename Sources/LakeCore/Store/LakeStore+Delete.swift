extension LakeStore {
  /// Deletes the key's object. A missing key is not an error (S3 answers 204 either way).
  /// Throws `.invalidKey`, `.noSuchBucket`, `.io` or `.catalog`.
  ///
  /// Protocol: take the key's lock; commit a delete intent; unlink the file and fsync its
  /// directory; delete row + intent and log the change in one transaction; then remove the
  /// now-empty parent directories (never the bucket directory). Readers holding the file open
  /// keep reading it in full.
  public func deleteObject(bucket: String, key: String) throws(LakeError) {
    try checkOpen()
    try validateKey(key)
    try requireBucket(bucket)
    let stripe = keyLocks.stripe(bucket: bucket, key: key)
    let removed = try stripe.withLock { () throws(LakeError) -> String? in
      guard let current = try catalog.object(bucket: bucket, key: key) else { return nil }
      let intent = try catalog.insertDeleteIntent(
        DeleteIntent(
          id: 0, bucket: bucket, key: key, storagePath: current.storagePath,
          objectSequence: current.sequence))
      let syncFailure = try changeKey(bucket, key, on: stripe) {
        () throws(LakeError) -> LakeError? in
        let syncFailure: LakeError?
        do throws(LakeError) {
          syncFailure = try removeStoredFile(current.storagePath)
        } catch {
          try? catalog.deleteIntent(intent.id)  // the file is untouched: roll back
          throw error
        }
        try catalog.finishDelete(intent)
        return syncFailure
      }
      if let syncFailure { throw syncFailure }
      return current.storagePath
    }
    if let removed { pruneEmptyParents(of: removed) }
  }
}
