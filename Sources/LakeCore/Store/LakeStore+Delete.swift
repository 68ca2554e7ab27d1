extension LakeStore {
  /// Deletes the key's object. A missing key is not an error (S3 answers 204 either way).
  /// Throws `.invalidKey`, `.noSuchBucket`, `.io` or `.catalog`.
  ///
  /// Protocol: take the key's lock; commit a delete intent; rename the file aside into
  /// `tmp/` and fsync its directory; delete row + intent and log the change in one
  /// transaction; then unlink the file set aside and remove the now-empty parent directories
  /// (never the bucket directory). When the fsync or the transaction fails the file goes
  /// back, so a delete that throws leaves the object as it was. Readers holding the file open
  /// keep reading it in full. Every step goes through `StoreOptions.faults`.
  public func deleteObject(bucket: String, key: String) throws(LakeError) {
    try checkOpen()
    try validateKey(key)
    try requireBucket(bucket)
    let stripe = keyLocks.stripe(bucket: bucket, key: key)
    let removed = try stripe.withLock { () throws(LakeError) -> String? in
      guard let current = try catalog.object(bucket: bucket, key: key) else { return nil }
      try checkCatalogFault(.intent, bucket: bucket, key: key)
      let intent = try catalog.insertDeleteIntent(
        DeleteIntent(
          id: 0, bucket: bucket, key: key, storagePath: current.storagePath,
          objectSequence: current.sequence))
      try changeKey(bucket, key, on: stripe) { () throws(LakeError) in
        let aside: Aside?
        do throws(LakeError) {
          aside = try setAside(current.storagePath, link: false, bucket: bucket, key: key)
        } catch {
          try? catalog.deleteIntent(intent.id)  // the file is untouched: roll back
          throw error
        }
        do throws(LakeError) {
          if let failure = aside?.syncFailure { throw failure }
          try checkCatalogFault(.catalogCommit, bucket: bucket, key: key)
          try catalog.finishDelete(intent)
        } catch {
          let failure = aside.flatMap(restore)
          finishTakingBack(
            "delete", intentID: intent.id, bucket: bucket, cause: error,
            problems: failure.map { ["\($0)"] } ?? [])
          throw error
        }
        if let aside { discard(aside) }
      }
      return current.storagePath
    }
    if let removed { pruneEmptyParents(of: removed) }
  }
}
