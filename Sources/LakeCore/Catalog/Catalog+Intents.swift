/// A write that was started but may not have finished, recorded before any file is renamed or
/// unlinked so that recovery can roll it back or forward after a crash.
enum Intent: Sendable, Equatable {
  case put(PutIntent)
  case delete(DeleteIntent)
}

/// A PUT between "temp file fsynced" and "row committed".
struct PutIntent: Sendable, Equatable {
  var id: Int64
  var bucket: String
  var key: String
  /// The temp file's name in `.lakestore/tmp/`; present until the rename.
  var tmpName: String
  /// Where the rename puts the file: `<bucket>/<key>` for a plain key, else an overflow path.
  var storagePath: String
  /// The overflow path used instead when the plain path hits a file/directory conflict.
  var fallbackPath: String?
  var size: Int64
  var etag: String
  var metadata: ObjectMetadata
  /// Identifies the temp file after its rename without reading it (see ``FileIdentity``);
  /// nil in intents written before it existed, which recovery checks by MD5 instead.
  var fileID: String?
  /// The multipart upload this write completes: its rows go in the same final transaction.
  var uploadID: String?
  /// The parts of a multipart object (for `partNumber` reads and GetObjectAttributes).
  var parts: PartLayout?
}

/// A DELETE between "intent committed" and "row deleted".
struct DeleteIntent: Sendable, Equatable {
  var id: Int64
  var bucket: String
  var key: String
  /// The file being unlinked.
  var storagePath: String
  /// The sequence number of the row being deleted; recovery only deletes that exact row.
  var objectSequence: Int64
}

extension Catalog {
  /// Records a PUT intent and returns it with its id, before it is durable: nothing may be
  /// renamed for it before ``awaitDurable(_:)`` returns for the ticket. Throws
  /// `.noSuchBucket` if the bucket is gone (checked in the same transaction, which orders it
  /// against DeleteBucket).
  func stagePutIntent(_ intent: PutIntent) throws(LakeError) -> (PutIntent, SyncRounds.Ticket) {
    try stage { (connection) throws(LakeError) -> PutIntent in
      guard try Self.bucketExists(intent.bucket, on: connection) else {
        throw .noSuchBucket(intent.bucket)
      }
      try connection.update(
        """
        INSERT INTO intents (op, bucket, key, tmp_name, storage_path, fallback_path, size, etag,
          metadata, created_ms, file_id, upload_id, part_sizes, part_checksums)
        VALUES ('put', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, intent.bucket)
        try statement.bind(2, intent.key)
        try statement.bind(3, intent.tmpName)
        try statement.bind(4, intent.storagePath)
        try statement.bind(5, intent.fallbackPath)
        try statement.bind(6, intent.size)
        try statement.bind(7, intent.etag)
        try statement.bind(8, MetadataCoding.encode(intent.metadata))
        try statement.bind(9, Milliseconds.now())
        try statement.bind(10, intent.fileID)
        try statement.bind(11, intent.uploadID)
        try statement.bind(12, intent.parts.map { PartSizes.encode($0.sizes) })
        try statement.bind(13, intent.parts?.encodedChecksums)
      }
      var recorded = intent
      recorded.id = connection.lastInsertRowID
      return recorded
    }
  }

  /// Durably records a DELETE intent and returns it with its id.
  func insertDeleteIntent(_ intent: DeleteIntent) throws(LakeError) -> DeleteIntent {
    try write { (connection) throws(LakeError) -> DeleteIntent in
      try connection.update(
        """
        INSERT INTO intents (op, bucket, key, storage_path, object_seq, created_ms)
        VALUES ('delete', ?1, ?2, ?3, ?4, ?5)
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, intent.bucket)
        try statement.bind(2, intent.key)
        try statement.bind(3, intent.storagePath)
        try statement.bind(4, intent.objectSequence)
        try statement.bind(5, Milliseconds.now())
      }
      var recorded = intent
      recorded.id = connection.lastInsertRowID
      return recorded
    }
  }

  /// Deletes an intent row (a write that was rolled back).
  func deleteIntent(_ id: Int64) throws(LakeError) {
    try write { (connection) throws(LakeError) in try Self.deleteIntent(id, on: connection) }
  }

  static func deleteIntent(_ id: Int64, on connection: SQLiteConnection) throws(LakeError) {
    try connection.update("DELETE FROM intents WHERE id = ?1") { (statement) throws(LakeError) in
      try statement.bind(1, id)
    }
  }

  /// Commits a PUT: upserts the row, deletes the intent and logs the change, atomically; a
  /// Complete also removes its upload and parts in the same transaction. Returns the row with
  /// its sequence number. `durable` false commits without waiting for the disk: only once
  /// the renamed file is durable, since recovery then redoes this from the durable intent.
  func finishPut(_ intent: PutIntent, object: ObjectInfo, durable: Bool = true)
    throws(LakeError) -> ObjectInfo
  {
    try write(durable: durable) { (connection) throws(LakeError) -> ObjectInfo in
      try Self.deleteIntent(intent.id, on: connection)
      if let uploadID = intent.uploadID { try Self.deleteUpload(uploadID, on: connection) }
      return try Self.upsertObject(object, parts: intent.parts, on: connection)
    }
  }

  /// Commits a DELETE: deletes the row (if it still has the intent's sequence number), deletes
  /// the intent and logs the change, atomically.
  func finishDelete(_ intent: DeleteIntent) throws(LakeError) {
    try write { (connection) throws(LakeError) in
      try Self.deleteIntent(intent.id, on: connection)
      try Self.deleteObject(
        bucket: intent.bucket, key: intent.key, sequence: intent.objectSequence, on: connection)
    }
  }

  /// Every intent, oldest first (recovery; the table only holds in-flight writes).
  func intents() throws(LakeError) -> [Intent] {
    try read { (connection) throws(LakeError) -> [Intent] in
      try connection.run(
        """
        SELECT id, op, bucket, key, tmp_name, storage_path, fallback_path, size, etag, metadata,
          object_seq, file_id, upload_id, part_sizes, part_checksums
        FROM intents ORDER BY id
        """
      ) { (statement) throws(LakeError) -> [Intent] in
        var intents: [Intent] = []
        while try statement.step() {
          intents.append(Self.decodeIntent(statement))
        }
        return intents
      }
    }
  }

  /// Whether an in-flight intent may place or remove a file at `path`.
  func isIntentPath(_ path: String) throws(LakeError) -> Bool {
    try read { (connection) throws(LakeError) -> Bool in
      try connection.run(
        "SELECT 1 FROM intents WHERE storage_path = ?1 OR fallback_path = ?1 LIMIT 1"
      ) { (statement) throws(LakeError) -> Bool in
        try statement.bind(1, path)
        return try statement.step()
      }
    }
  }

  private static func decodeIntent(_ statement: SQLiteStatement) -> Intent {
    if statement.text(1) == "delete" {
      return .delete(
        DeleteIntent(
          id: statement.int64(0), bucket: statement.text(2), key: statement.text(3),
          storagePath: statement.text(5), objectSequence: statement.int64(10)))
    }
    return .put(
      PutIntent(
        id: statement.int64(0), bucket: statement.text(2), key: statement.text(3),
        tmpName: statement.text(4), storagePath: statement.text(5),
        fallbackPath: statement.optionalText(6), size: statement.int64(7),
        etag: statement.text(8), metadata: MetadataCoding.decodeMetadata(statement.optionalText(9)),
        fileID: statement.optionalText(11), uploadID: statement.optionalText(12),
        parts: PartLayout(sizes: statement.optionalText(13), checksums: statement.optionalText(14))
      ))
  }
}
