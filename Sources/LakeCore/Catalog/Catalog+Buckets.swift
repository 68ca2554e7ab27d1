extension Catalog {
  /// Whether the bucket has a row, on any connection (reader or inside a write).
  static func bucketExists(_ name: String, on connection: SQLiteConnection) throws(LakeError)
    -> Bool
  {
    try connection.run("SELECT 1 FROM buckets WHERE name = ?1") {
      (statement) throws(LakeError) -> Bool in
      try statement.bind(1, name)
      return try statement.step()
    }
  }

  /// Whether the bucket exists.
  func bucketExists(_ name: String) throws(LakeError) -> Bool {
    try read { (connection) throws(LakeError) in try Self.bucketExists(name, on: connection) }
  }

  /// The bucket's row, or nil.
  func bucket(_ name: String) throws(LakeError) -> BucketInfo? {
    try read { (connection) throws(LakeError) -> BucketInfo? in
      try connection.run("SELECT created_ms FROM buckets WHERE name = ?1") {
        (statement) throws(LakeError) -> BucketInfo? in
        try statement.bind(1, name)
        guard try statement.step() else { return nil }
        return BucketInfo(name: name, creationDate: Milliseconds.date(statement.int64(0)))
      }
    }
  }

  /// All buckets sorted by name (byte order).
  func buckets() throws(LakeError) -> [BucketInfo] {
    try read { (connection) throws(LakeError) -> [BucketInfo] in
      try connection.run("SELECT name, created_ms FROM buckets ORDER BY name") {
        (statement) throws(LakeError) -> [BucketInfo] in
        var buckets: [BucketInfo] = []
        while try statement.step() {
          buckets.append(
            BucketInfo(
              name: statement.text(0), creationDate: Milliseconds.date(statement.int64(1))))
        }
        return buckets
      }
    }
  }

  /// Inserts the bucket row; false if it already existed.
  func insertBucket(_ name: String, createdMilliseconds: Int64) throws(LakeError) -> Bool {
    try write { (connection) throws(LakeError) -> Bool in
      try connection.update("INSERT OR IGNORE INTO buckets (name, created_ms) VALUES (?1, ?2)") {
        (statement) throws(LakeError) in
        try statement.bind(1, name)
        try statement.bind(2, createdMilliseconds)
      }
      return connection.changes == 1
    }
  }

  /// Deletes the bucket row. Throws `.noSuchBucket`, or `.bucketNotEmpty` when objects or
  /// in-flight write intents remain (checked in the same transaction as the delete, so a
  /// concurrent PUT either registers its intent first or fails with `.noSuchBucket`).
  func deleteBucket(_ name: String) throws(LakeError) -> [String] {
    try write { (connection) throws(LakeError) -> [String] in
      guard try Self.bucketExists(name, on: connection) else { throw .noSuchBucket(name) }
      let busy = try connection.run(
        """
        SELECT EXISTS (SELECT 1 FROM objects WHERE bucket = ?1)
          OR EXISTS (SELECT 1 FROM intents WHERE bucket = ?1)
          OR EXISTS (SELECT 1 FROM uploads WHERE bucket = ?1 AND state = 'completing')
        """
      ) { (statement) throws(LakeError) -> Bool in
        try statement.bind(1, name)
        return try statement.step() && statement.int64(0) != 0
      }
      if busy { throw .bucketNotEmpty(name) }
      // Unfinished multipart uploads go with the bucket (their files are removed after).
      let uploads = try connection.run("SELECT id FROM uploads WHERE bucket = ?1") {
        (statement) throws(LakeError) -> [String] in
        try statement.bind(1, name)
        var ids: [String] = []
        while try statement.step() { ids.append(statement.text(0)) }
        return ids
      }
      for id in uploads { try Self.deleteUpload(id, on: connection) }
      try connection.update("DELETE FROM buckets WHERE name = ?1") {
        (statement) throws(LakeError) in try statement.bind(1, name)
      }
      return uploads
    }
  }
}
