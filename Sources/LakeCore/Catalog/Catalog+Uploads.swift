/// The state of an upload's row: `open` takes parts; `completing` while a Complete assembles
/// the object (parts are frozen; recovery turns it back to `open` after a crash).
enum UploadState: String {
  case open
  case completing
}

/// A part's row: the part and the name of its file in the upload's directory.
struct StoredPart: Sendable {
  var part: UploadedPart
  var fileName: String
}

/// The upload's settings as stored in its `metadata` column.
private struct UploadRecord: Codable {
  var metadata: ObjectMetadata
  var checksumAlgorithm: String?
  var checksumType: String?
}

extension Catalog {
  static let uploadColumns = "id, bucket, key, created_ms, metadata, state"

  static func decodeUpload(_ statement: SQLiteStatement) -> (MultipartUpload, UploadState) {
    let record = MetadataCoding.decode(UploadRecord.self, statement.optionalText(4))
    let upload = MultipartUpload(
      id: statement.text(0), bucket: statement.text(1), key: statement.text(2),
      initiated: Milliseconds.date(statement.int64(3)),
      metadata: record?.metadata ?? ObjectMetadata(),
      checksumAlgorithm: record?.checksumAlgorithm, checksumType: record?.checksumType)
    return (upload, UploadState(rawValue: statement.text(5)) ?? .open)
  }

  /// Records a new upload; throws `.noSuchBucket` when the bucket is gone (checked in the
  /// same transaction, which orders it against DeleteBucket).
  func insertUpload(_ upload: MultipartUpload) throws(LakeError) {
    try write { (connection) throws(LakeError) in
      guard try Self.bucketExists(upload.bucket, on: connection) else {
        throw .noSuchBucket(upload.bucket)
      }
      try connection.update(
        "INSERT INTO uploads (\(Self.uploadColumns)) VALUES (?1, ?2, ?3, ?4, ?5, 'open')"
      ) { (statement) throws(LakeError) in
        try statement.bind(1, upload.id)
        try statement.bind(2, upload.bucket)
        try statement.bind(3, upload.key)
        try statement.bind(4, Milliseconds.of(upload.initiated))
        try statement.bind(
          5,
          MetadataCoding.encode(
            UploadRecord(
              metadata: upload.metadata, checksumAlgorithm: upload.checksumAlgorithm,
              checksumType: upload.checksumType)))
      }
    }
  }

  static func upload(_ id: String, on connection: SQLiteConnection) throws(LakeError)
    -> (MultipartUpload, UploadState)?
  {
    try connection.run("SELECT \(uploadColumns) FROM uploads WHERE id = ?1") {
      (statement) throws(LakeError) -> (MultipartUpload, UploadState)? in
      try statement.bind(1, id)
      guard try statement.step() else { return nil }
      return decodeUpload(statement)
    }
  }

  /// The upload with this ID for this bucket and key; throws `.noSuchUpload` otherwise (S3
  /// does not tell an unknown ID from one of another key).
  static func requireUpload(
    _ id: String, bucket: String, key: String, on connection: SQLiteConnection
  ) throws(LakeError) -> (MultipartUpload, UploadState) {
    guard let found = try upload(id, on: connection), found.0.bucket == bucket,
      found.0.key == key
    else { throw .noSuchUpload(id) }
    return found
  }

  /// The open upload, for UploadPart; throws `.noSuchUpload`.
  func upload(_ id: String, bucket: String, key: String) throws(LakeError) -> MultipartUpload {
    try read { (connection) throws(LakeError) -> MultipartUpload in
      try Self.requireUpload(id, bucket: bucket, key: key, on: connection).0
    }
  }

  /// Records an uploaded part, replacing an earlier upload of the same number; returns the
  /// replaced part's file name. Throws `.noSuchUpload` when the upload is gone and
  /// `.uploadBusy` while it is being completed.
  func commitPart(_ stored: StoredPart, uploadID: String, bucket: String, key: String)
    throws(LakeError) -> String?
  {
    try write { (connection) throws(LakeError) -> String? in
      let (_, state) = try Self.requireUpload(uploadID, bucket: bucket, key: key, on: connection)
      guard state == .open else { throw .uploadBusy(uploadID) }
      let replaced = try connection.run(
        "SELECT file_name FROM parts WHERE upload_id = ?1 AND number = ?2"
      ) { (statement) throws(LakeError) -> String? in
        try statement.bind(1, uploadID)
        try statement.bind(2, Int64(stored.part.number))
        return try statement.step() ? statement.text(0) : nil
      }
      try connection.update(
        """
        INSERT OR REPLACE INTO parts (upload_id, number, size, etag, modified_ms, file_name,
          checksum)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, uploadID)
        try statement.bind(2, Int64(stored.part.number))
        try statement.bind(3, stored.part.size)
        try statement.bind(4, stored.part.etag)
        try statement.bind(5, Milliseconds.of(stored.part.lastModified))
        try statement.bind(6, stored.fileName)
        try statement.bind(7, stored.part.checksum)
      }
      return replaced
    }
  }

  /// Every part row of an upload, by part number, starting after `after`, at most `limit`.
  static func parts(
    of uploadID: String, after: Int = 0, limit: Int = 10_000, on connection: SQLiteConnection
  ) throws(LakeError) -> [StoredPart] {
    try connection.run(
      """
      SELECT number, size, etag, modified_ms, file_name, checksum FROM parts
      WHERE upload_id = ?1 AND number > ?2 ORDER BY number LIMIT ?3
      """
    ) { (statement) throws(LakeError) -> [StoredPart] in
      try statement.bind(1, uploadID)
      try statement.bind(2, Int64(after))
      try statement.bind(3, Int64(limit))
      var parts: [StoredPart] = []
      while try statement.step() {
        parts.append(
          StoredPart(
            part: UploadedPart(
              number: Int(statement.int64(0)), size: statement.int64(1),
              etag: statement.text(2), lastModified: Milliseconds.date(statement.int64(3)),
              checksum: statement.optionalText(5)),
            fileName: statement.text(4)))
      }
      return parts
    }
  }

  /// The upload and one page of its parts (ListParts), read in one snapshot.
  func uploadParts(
    _ id: String, bucket: String, key: String, after: Int, limit: Int
  ) throws(LakeError) -> (MultipartUpload, [UploadedPart]) {
    try read { (connection) throws(LakeError) -> (MultipartUpload, [UploadedPart]) in
      try connection.update("BEGIN")
      defer { try? connection.update("COMMIT") }
      let (upload, _) = try Self.requireUpload(id, bucket: bucket, key: key, on: connection)
      let parts = try Self.parts(of: id, after: after, limit: limit, on: connection)
      return (upload, parts.map(\.part))
    }
  }

  /// Freezes an open upload for its Complete and returns it with every part. Throws
  /// `.noSuchUpload`, or `.uploadBusy` when another Complete is running.
  func beginCompleting(_ id: String, bucket: String, key: String) throws(LakeError)
    -> (MultipartUpload, [StoredPart])
  {
    try write { (connection) throws(LakeError) -> (MultipartUpload, [StoredPart]) in
      let (upload, state) = try Self.requireUpload(id, bucket: bucket, key: key, on: connection)
      guard state == .open else { throw .uploadBusy(id) }
      try Self.setUploadState(id, .completing, on: connection)
      return (upload, try Self.parts(of: id, on: connection))
    }
  }

  /// Turns a frozen upload back to open (its Complete failed).
  func reopenUpload(_ id: String) throws(LakeError) {
    try write { (connection) throws(LakeError) in
      try Self.setUploadState(id, .open, on: connection)
    }
  }

  private static func setUploadState(
    _ id: String, _ state: UploadState, on connection: SQLiteConnection
  ) throws(LakeError) {
    try connection.update("UPDATE uploads SET state = ?2 WHERE id = ?1") {
      (statement) throws(LakeError) in
      try statement.bind(1, id)
      try statement.bind(2, state.rawValue)
    }
  }

  /// Deletes an upload's row and its parts' rows; call inside a write.
  static func deleteUpload(_ id: String, on connection: SQLiteConnection) throws(LakeError) {
    try connection.update("DELETE FROM parts WHERE upload_id = ?1") {
      (statement) throws(LakeError) in try statement.bind(1, id)
    }
    try connection.update("DELETE FROM uploads WHERE id = ?1") {
      (statement) throws(LakeError) in try statement.bind(1, id)
    }
  }

  /// Removes an open upload (Abort); throws `.noSuchUpload`, or `.uploadBusy` while a
  /// Complete runs.
  func abortUpload(_ id: String, bucket: String, key: String) throws(LakeError) {
    try write { (connection) throws(LakeError) in
      let (_, state) = try Self.requireUpload(id, bucket: bucket, key: key, on: connection)
      guard state == .open else { throw .uploadBusy(id) }
      try Self.deleteUpload(id, on: connection)
    }
  }

  /// Open uploads initiated before `cutoff` (milliseconds), oldest first, at most `limit`.
  func uploads(initiatedBefore cutoff: Int64, limit: Int) throws(LakeError) -> [MultipartUpload] {
    try read { (connection) throws(LakeError) -> [MultipartUpload] in
      try connection.run(
        """
        SELECT \(Self.uploadColumns) FROM uploads WHERE created_ms < ?1
        ORDER BY created_ms, id LIMIT ?2
        """
      ) { (statement) throws(LakeError) -> [MultipartUpload] in
        try statement.bind(1, cutoff)
        try statement.bind(2, Int64(limit))
        var uploads: [MultipartUpload] = []
        while try statement.step() { uploads.append(Self.decodeUpload(statement).0) }
        return uploads
      }
    }
  }

  /// Every upload ID with the file names its parts use (recovery's sweep of the uploads area).
  func uploadFiles() throws(LakeError) -> [String: Set<String>] {
    try read { (connection) throws(LakeError) -> [String: Set<String>] in
      var files: [String: Set<String>] = [:]
      try connection.run("SELECT id FROM uploads") { (statement) throws(LakeError) in
        while try statement.step() { files[statement.text(0)] = [] }
      }
      try connection.run("SELECT upload_id, file_name FROM parts") {
        (statement) throws(LakeError) in
        while try statement.step() {
          files[statement.text(0), default: []].insert(statement.text(1))
        }
      }
      return files
    }
  }

  /// Turns every `completing` upload back to `open` (recovery, after settling intents: a
  /// Complete that had not reached its commit left its upload frozen).
  func reopenCompletingUploads() throws(LakeError) -> Int {
    try write { (connection) throws(LakeError) -> Int in
      try connection.update("UPDATE uploads SET state = 'open' WHERE state = 'completing'") {
        _ throws(LakeError) in
      }
      return connection.changes
    }
  }
}
