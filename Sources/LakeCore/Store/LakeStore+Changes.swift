extension LakeStore {
  /// The bucket's changes after sequence `after`, oldest first, at most `limit`. When there
  /// are none yet and `wait` is positive, waits up to `wait` seconds for one to commit (long
  /// poll). Throws `.noSuchBucket`, or `.catalog` when the catalog fails.
  public func changes(bucket: String, after: Int64, limit: Int, wait: Double = 0)
    throws(LakeError) -> [ChangeRecord]
  {
    try checkOpen()
    try requireBucket(bucket)
    let limit = max(1, limit)
    let start = Milliseconds.now()
    while true {
      let seen = catalog.commits.current
      let page = try catalog.changes(bucket: bucket, after: after, limit: limit)
      let left = wait - Double(Milliseconds.now() - start) / 1000
      if !page.isEmpty || left <= 0 || isClosedNow { return page }
      catalog.commits.wait(above: seen, timeout: left)
    }
  }

  /// The newest change's sequence number in the whole store (0 when there is none).
  public func latestSequence() throws(LakeError) -> Int64 {
    try checkOpen()
    return try catalog.latestSequence()
  }
}

extension Catalog {
  func changes(bucket: String, after: Int64, limit: Int) throws(LakeError) -> [ChangeRecord] {
    try read { (connection) throws(LakeError) -> [ChangeRecord] in
      try connection.run(
        """
        SELECT seq, key, op, size, etag, at_ms FROM changes
        WHERE bucket = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3
        """
      ) { (statement) throws(LakeError) -> [ChangeRecord] in
        try statement.bind(1, bucket)
        try statement.bind(2, after)
        try statement.bind(3, Int64(limit))
        var records: [ChangeRecord] = []
        while try statement.step() {
          records.append(
            ChangeRecord(
              sequence: statement.int64(0), bucket: bucket, key: statement.text(1),
              operation: statement.text(2) == "delete" ? .delete : .put,
              size: statement.optionalInt64(3), etag: statement.optionalText(4),
              time: Milliseconds.date(statement.int64(5))))
        }
        return records
      }
    }
  }
}
