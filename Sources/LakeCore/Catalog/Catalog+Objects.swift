extension Catalog {
  /// The columns `decodeObject` reads, in order, after any leading columns.
  static let objectColumns = """
    key, size, etag, modified_ms, content_type, cache_control, content_disposition, \
    content_encoding, content_language, expires, user_metadata, storage_path, seq, tagging, \
    checksum
    """

  /// Decodes `objectColumns` starting at column `first` of the current row.
  static func decodeObject(_ statement: SQLiteStatement, bucket: String, first: Int32 = 0)
    -> ObjectInfo
  {
    let column = { (offset: Int32) in first + offset }
    let metadata = ObjectMetadata(
      contentType: statement.optionalText(column(4)),
      cacheControl: statement.optionalText(column(5)),
      contentDisposition: statement.optionalText(column(6)),
      contentEncoding: statement.optionalText(column(7)),
      contentLanguage: statement.optionalText(column(8)),
      expires: statement.optionalText(column(9)),
      userMetadata: MetadataCoding.decodeUser(statement.optionalText(column(10))),
      tags: MetadataCoding.decodeUser(statement.optionalText(column(13))),
      checksum: ObjectChecksum(encoded: statement.optionalText(column(14))))
    return ObjectInfo(
      bucket: bucket, key: statement.text(column(0)), size: statement.int64(column(1)),
      etag: statement.text(column(2)), lastModified: Milliseconds.date(statement.int64(column(3))),
      metadata: metadata, storagePath: statement.text(column(11)),
      sequence: statement.int64(column(12)))
  }

  /// The object's row on `connection`, or nil.
  static func object(bucket: String, key: String, on connection: SQLiteConnection)
    throws(LakeError) -> ObjectInfo?
  {
    try connection.run("SELECT \(objectColumns) FROM objects WHERE bucket = ?1 AND key = ?2") {
      (statement) throws(LakeError) -> ObjectInfo? in
      try statement.bind(1, bucket)
      try statement.bind(2, key)
      guard try statement.step() else { return nil }
      return decodeObject(statement, bucket: bucket)
    }
  }

  /// The object's latest committed row, or nil.
  func object(bucket: String, key: String) throws(LakeError) -> ObjectInfo? {
    try read { (connection) throws(LakeError) in
      try Self.object(bucket: bucket, key: key, on: connection)
    }
  }

  /// Inserts or replaces the object row, logging a `put` change at `changedAt` milliseconds
  /// (the row's modification time when nil); returns the row with its new sequence number.
  /// Call inside a write.
  static func upsertObject(
    _ info: ObjectInfo, parts: PartLayout? = nil, changedAt: Int64? = nil,
    on connection: SQLiteConnection
  ) throws(LakeError) -> ObjectInfo {
    var info = info
    info.sequence = try recordChange(
      bucket: info.bucket, key: info.key, op: "put", size: info.size, etag: info.etag,
      at: changedAt ?? Int64((info.lastModified.timeIntervalSince1970 * 1000).rounded()),
      on: connection)
    try connection.update(
      """
      INSERT OR REPLACE INTO objects (bucket, \(objectColumns), part_sizes, part_checksums)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
      """
    ) { (statement) throws(LakeError) in
      try statement.bind(1, info.bucket)
      try statement.bind(2, info.key)
      try statement.bind(3, info.size)
      try statement.bind(4, info.etag)
      try statement.bind(5, Int64((info.lastModified.timeIntervalSince1970 * 1000).rounded()))
      try statement.bind(6, info.metadata.contentType)
      try statement.bind(7, info.metadata.cacheControl)
      try statement.bind(8, info.metadata.contentDisposition)
      try statement.bind(9, info.metadata.contentEncoding)
      try statement.bind(10, info.metadata.contentLanguage)
      try statement.bind(11, info.metadata.expires)
      try statement.bind(12, MetadataCoding.encodeUser(info.metadata.userMetadata))
      try statement.bind(13, info.storagePath)
      try statement.bind(14, info.sequence)
      try statement.bind(15, MetadataCoding.encodeUser(info.metadata.tags))
      try statement.bind(16, info.metadata.checksum?.encoded)
      try statement.bind(17, parts.map { PartSizes.encode($0.sizes) })
      try statement.bind(18, parts?.encodedChecksums)
    }
    return info
  }

  /// Deletes the object row if it still has sequence `sequence`, logging a `delete` change.
  /// Returns whether a row was deleted. Call inside a write.
  @discardableResult
  static func deleteObject(
    bucket: String, key: String, sequence: Int64, on connection: SQLiteConnection
  ) throws(LakeError) -> Bool {
    try connection.update("DELETE FROM objects WHERE bucket = ?1 AND key = ?2 AND seq = ?3") {
      (statement) throws(LakeError) in
      try statement.bind(1, bucket)
      try statement.bind(2, key)
      try statement.bind(3, sequence)
    }
    guard connection.changes == 1 else { return false }
    _ = try recordChange(
      bucket: bucket, key: key, op: "delete", size: nil, etag: nil, at: Milliseconds.now(),
      on: connection)
    return true
  }

  /// Appends to the change log and returns the new, strictly increasing sequence number
  /// (AUTOINCREMENT: never reused, even after old changes are pruned).
  static func recordChange(
    bucket: String, key: String, op: String, size: Int64?, etag: String?, at: Int64,
    on connection: SQLiteConnection
  ) throws(LakeError) -> Int64 {
    try connection.update(
      "INSERT INTO changes (bucket, key, op, size, etag, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    ) { (statement) throws(LakeError) in
      try statement.bind(1, bucket)
      try statement.bind(2, key)
      try statement.bind(3, op)
      try statement.bind(4, size)
      try statement.bind(5, etag)
      try statement.bind(6, at)
    }
    return connection.lastInsertRowID
  }

  /// Whether any object row stores its bytes at `storagePath` (uses the storage_path index).
  func isStoragePathReferenced(_ storagePath: String) throws(LakeError) -> Bool {
    try read { (connection) throws(LakeError) -> Bool in
      try connection.run("SELECT 1 FROM objects WHERE storage_path = ?1 LIMIT 1") {
        (statement) throws(LakeError) -> Bool in
        try statement.bind(1, storagePath)
        return try statement.step()
      }
    }
  }

  /// Up to `limit` object rows of all buckets after (`bucket`, `key`) in (bucket, key) order;
  /// used to walk the whole catalog in bounded memory.
  func objects(after position: (bucket: String, key: String)?, limit: Int) throws(LakeError)
    -> [ObjectInfo]
  {
    try read { (connection) throws(LakeError) -> [ObjectInfo] in
      try connection.run(
        """
        SELECT bucket, \(Self.objectColumns) FROM objects
        WHERE (bucket, key) > (?1, ?2) ORDER BY bucket, key LIMIT ?3
        """
      ) { (statement) throws(LakeError) -> [ObjectInfo] in
        try statement.bind(1, position?.bucket ?? "")
        try statement.bind(2, position?.key ?? "")
        try statement.bind(3, Int64(limit))
        var rows: [ObjectInfo] = []
        while try statement.step() {
          rows.append(Self.decodeObject(statement, bucket: statement.text(0), first: 1))
        }
        return rows
      }
    }
  }
}

extension Catalog {
  /// The part layout of the key's row if it is version `sequence` and was assembled from
  /// parts.
  func partLayout(bucket: String, key: String, sequence: Int64) throws(LakeError) -> PartLayout? {
    try read { (connection) throws(LakeError) -> PartLayout? in
      try connection.run(
        """
        SELECT part_sizes, part_checksums FROM objects
        WHERE bucket = ?1 AND key = ?2 AND seq = ?3
        """
      ) { (statement) throws(LakeError) -> PartLayout? in
        try statement.bind(1, bucket)
        try statement.bind(2, key)
        try statement.bind(3, sequence)
        guard try statement.step() else { return nil }
        return PartLayout(sizes: statement.optionalText(0), checksums: statement.optionalText(1))
      }
    }
  }

  /// Sets the tags of the key's row; false when there is no row.
  func setTags(bucket: String, key: String, _ tags: [String: String]) throws(LakeError) -> Bool {
    try write { (connection) throws(LakeError) -> Bool in
      try connection.update("UPDATE objects SET tagging = ?3 WHERE bucket = ?1 AND key = ?2") {
        (statement) throws(LakeError) in
        try statement.bind(1, bucket)
        try statement.bind(2, key)
        try statement.bind(3, MetadataCoding.encodeUser(tags))
      }
      return connection.changes == 1
    }
  }

  /// Deletes the object row if it still has `sequence`, logging a `delete` change (fsck repair).
  @discardableResult
  func deleteObjectRow(bucket: String, key: String, sequence: Int64) throws(LakeError) -> Bool {
    try write { (connection) throws(LakeError) -> Bool in
      try Self.deleteObject(bucket: bucket, key: key, sequence: sequence, on: connection)
    }
  }
}
