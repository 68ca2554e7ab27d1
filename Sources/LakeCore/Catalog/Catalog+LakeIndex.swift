import LakeQuery

/// A change the indexer has not yet applied.
struct PendingChange: Sendable, Equatable {
  var sequence: Int64
  var bucket: String
  var key: String
  var isDelete: Bool
}

/// What the indexer applies for one key.
enum IndexWork: Sendable {
  /// Record this version (applied only while it is still the key's current version).
  case record(LakeFileInfo)
  /// Forget the key (applied only when it has no object row).
  case remove(bucket: String, key: String)
}

extension Catalog {
  /// The change sequence number up to which the index is complete.
  func indexedSequence() throws(LakeError) -> Int64 {
    try read { (connection) throws(LakeError) -> Int64 in
      try connection.scalar("SELECT indexed_seq FROM lake_state WHERE id = 1") ?? 0
    }
  }

  /// The newest change's sequence number, 0 when there is none.
  func latestSequence() throws(LakeError) -> Int64 {
    try read { (connection) throws(LakeError) -> Int64 in
      try connection.scalar("SELECT max(seq) FROM changes") ?? 0
    }
  }

  /// Up to `limit` changes after `sequence`, oldest first.
  func changes(after sequence: Int64, limit: Int) throws(LakeError) -> [PendingChange] {
    try read { (connection) throws(LakeError) -> [PendingChange] in
      try connection.run(
        "SELECT seq, bucket, key, op FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2"
      ) { (statement) throws(LakeError) -> [PendingChange] in
        try statement.bind(1, sequence)
        try statement.bind(2, Int64(limit))
        var changes: [PendingChange] = []
        while try statement.step() {
          changes.append(
            PendingChange(
              sequence: statement.int64(0), bucket: statement.text(1), key: statement.text(2),
              isDelete: statement.text(3) == "delete"))
        }
        return changes
      }
    }
  }

  /// Applies `work` and moves the index's position to `sequence`, in one transaction that
  /// waits for no fsync (after a crash the indexer redoes the lost tail: every item is
  /// idempotent).
  func applyIndex(_ work: [IndexWork], through sequence: Int64) throws(LakeError) {
    try write(durable: false) { (connection) throws(LakeError) in
      for item in work {
        switch item {
        case .record(let file):
          let current = try Self.objectSequence(bucket: file.bucket, key: file.key, on: connection)
          guard current == file.sequence else { continue }  // a later change will cover it
          try Self.removeIndexRows(bucket: file.bucket, key: file.key, on: connection)
          try Self.insertIndexRows(file, on: connection)
        case .remove(let bucket, let key):
          guard try Self.objectSequence(bucket: bucket, key: key, on: connection) == nil else {
            continue
          }
          try Self.removeIndexRows(bucket: bucket, key: key, on: connection)
        }
      }
      try connection.update(
        "UPDATE lake_state SET indexed_seq = ?1 WHERE id = 1 AND indexed_seq < ?1"
      ) { (statement) throws(LakeError) in
        try statement.bind(1, sequence)
      }
    }
  }

  private static func objectSequence(
    bucket: String, key: String, on connection: SQLiteConnection
  ) throws(LakeError) -> Int64? {
    try connection.run("SELECT seq FROM objects WHERE bucket = ?1 AND key = ?2") {
      (statement) throws(LakeError) -> Int64? in
      try statement.bind(1, bucket)
      try statement.bind(2, key)
      return try statement.step() ? statement.int64(0) : nil
    }
  }
}
