/// What the catalog did with a file offered for adoption.
enum AdoptionCommit: Sendable {
  /// The row was written (with its sequence number) and a `put` change logged.
  case adopted(ObjectInfo)
  /// The key already has a row; nothing was written.
  case exists(ObjectInfo)
  /// Another row or an in-flight write already names the storage path; nothing was written.
  case pathInUse
}

extension Catalog {
  /// Writes `row` (a file already at its storage path) as the key's object and logs a `put`
  /// change, unless the key already has a row or the path belongs to another row or to an
  /// in-flight write: all checked in the same transaction. Commits without waiting for the
  /// disk; the row is durable once ``awaitDurable(_:)`` returns for the ticket. Throws
  /// `.noSuchBucket` when the bucket has no row, `.catalog` when SQLite fails.
  func stageAdoption(_ row: ObjectInfo) throws(LakeError) -> (AdoptionCommit, SyncRounds.Ticket) {
    try stage { (connection) throws(LakeError) -> AdoptionCommit in
      guard try Self.bucketExists(row.bucket, on: connection) else {
        throw .noSuchBucket(row.bucket)
      }
      if let current = try Self.object(bucket: row.bucket, key: row.key, on: connection) {
        return .exists(current)
      }
      let inUse = try connection.run(
        """
        SELECT EXISTS (SELECT 1 FROM objects WHERE storage_path = ?1)
          OR EXISTS (SELECT 1 FROM intents WHERE storage_path = ?1 OR fallback_path = ?1)
        """
      ) { (statement) throws(LakeError) -> Bool in
        try statement.bind(1, row.storagePath)
        return try statement.step() && statement.int64(0) != 0
      }
      if inUse { return .pathInUse }
      // The row keeps the file's modification time; the change is dated now, as the feed's
      // times are those of the commits.
      return .adopted(
        try Self.upsertObject(row, changedAt: Milliseconds.now(), on: connection))
    }
  }

  /// A ticket for every catalog write committed so far: ``awaitDurable(_:)`` with it
  /// returns once they are all on disk.
  func durabilityTicket() throws(LakeError) -> SyncRounds.Ticket {
    try stage { (_) throws(LakeError) in }.1
  }
}

extension Catalog {
  /// Makes every later change's sequence number greater than `floor` (it is only ever
  /// raised): a rebuilt catalog must not give out numbers the lost one gave out, or a
  /// change-feed consumer that stored its position would miss changes.
  func raiseChangeSequence(above floor: Int64) throws(LakeError) {
    try write { (connection) throws(LakeError) in
      let current = try connection.scalar(
        "SELECT max(seq) FROM sqlite_sequence WHERE name = 'changes'")
      if let current, current >= floor { return }
      try connection.update("DELETE FROM sqlite_sequence WHERE name = 'changes'")
      try connection.update("INSERT INTO sqlite_sequence (name, seq) VALUES ('changes', ?1)") {
        (statement) throws(LakeError) in
        try statement.bind(1, floor)
      }
    }
  }
}
