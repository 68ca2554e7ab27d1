import LakeQuery
import Logging

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
  /// Starts the index over when its position is not a change the catalog has (the index is
  /// ahead of a catalog restored from a backup, or that lost its tail in a power failure):
  /// every row is dropped and the indexer redoes everything. Returns whether it did.
  @discardableResult
  func checkIndexPosition(logger: Logger) throws(LakeError) -> Bool {
    try writeIndex { (connection) throws(LakeError) -> Bool in
      let position = try connection.run(
        "SELECT indexed_seq, indexed_bucket, indexed_key FROM lake_state WHERE id = 1"
      ) { (statement) throws(LakeError) -> (Int64, String?, String?) in
        guard try statement.step() else { return (0, nil, nil) }
        return (statement.int64(0), statement.optionalText(1), statement.optionalText(2))
      }
      guard position.0 > 0 else { return false }
      let matches = try connection.run(
        "SELECT 1 FROM catalog.changes WHERE seq = ?1 AND bucket = ?2 AND key = ?3"
      ) { (statement) throws(LakeError) -> Bool in
        try statement.bind(1, position.0)
        try statement.bind(2, position.1)
        try statement.bind(3, position.2)
        return try statement.step()
      }
      if matches { return false }
      logger.warning(
        "the data-lake index is not at a change the catalog has; indexing everything again",
        metadata: ["indexed_seq": "\(position.0)"])
      try connection.execute(
        """
        DELETE FROM lake_files; DELETE FROM lake_partitions; DELETE FROM lake_columns;
        DELETE FROM lake_datasets; DELETE FROM lake_partition_columns;
        DELETE FROM lake_partition_values; DELETE FROM lake_schemas;
        UPDATE lake_state SET indexed_seq = 0, indexed_bucket = NULL, indexed_key = NULL;
        """)
      return true
    }
  }

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
  ///
  /// Each key's current version is read first, in a short read transaction of its own:
  /// the index transaction never reads the catalog, so it never holds a catalog snapshot that
  /// would keep the catalog's checkpoints from resetting its WAL (with such a reader every
  /// commit past the checkpoint threshold ran a checkpoint that could not finish, and PUTs
  /// slowed by a quarter). A version read here that a write then replaces is recorded
  /// anyway, and the replacing change, which comes after `last`, records the new one.
  ///
  /// Only the keys with a change after `last` are looked up (all of them when more changes
  /// than the batch holds came after it): changes are numbered in commit order, so any
  /// other key's version is still the one its work was made from (the version read after
  /// `last`'s change, or no version after a delete).
  func applyIndex(_ work: [IndexWork], through last: PendingChange) throws(LakeError) {
    let sequence = last.sequence
    let current = try read { (connection) throws(LakeError) -> [Int64?] in
      try connection.update("BEGIN")
      defer { try? connection.update("COMMIT") }
      // Bounded: behind a long backlog (catching up) every key is looked up instead.
      let changed = try connection.run(
        "SELECT bucket, key FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2"
      ) { (statement) throws(LakeError) -> Set<[String]>? in
        try statement.bind(1, sequence)
        try statement.bind(2, Int64(work.count) + 1)
        var keys: Set<[String]> = []
        var rows = 0
        while try statement.step() {
          keys.insert([statement.text(0), statement.text(1)])
          rows += 1
        }
        return rows > work.count ? nil : keys
      }
      var current: [Int64?] = []
      current.reserveCapacity(work.count)
      for item in work {
        switch item {
        case .record(let file) where changed?.contains([file.bucket, file.key]) ?? true:
          current.append(
            try Self.objectSequence(bucket: file.bucket, key: file.key, on: connection))
        case .record(let file):
          current.append(file.sequence)
        case .remove(let bucket, let key) where changed?.contains([bucket, key]) ?? true:
          current.append(try Self.objectSequence(bucket: bucket, key: key, on: connection))
        case .remove:
          current.append(nil)
        }
      }
      return current
    }
    try writeIndex { (connection) throws(LakeError) in
      var totals = IndexTotals()
      for (item, current) in zip(work, current) {
        switch item {
        case .record(let file):
          guard current == file.sequence else { continue }  // a later change will cover it
          try Self.replaceIndexRows(file, totals: &totals, on: connection)
        case .remove(let bucket, let key):
          guard current == nil else { continue }
          try Self.removeIndexRows(bucket: bucket, key: key, totals: &totals, on: connection)
        }
      }
      try totals.apply(on: connection)
      try connection.update(
        """
        UPDATE lake_state SET indexed_seq = ?1, indexed_bucket = ?2, indexed_key = ?3
        WHERE id = 1 AND indexed_seq < ?1
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, sequence)
        try statement.bind(2, last.bucket)
        try statement.bind(3, last.key)
      }
    }
  }

  /// The current rows of the changes' keys (nil for a key without one), read in one
  /// transaction: the indexer opens the files from them without a catalog read per file.
  func objects(of changes: [PendingChange]) throws(LakeError) -> [ObjectInfo?] {
    try readTogether(changes) { (change, connection) throws(LakeError) -> ObjectInfo? in
      try Self.object(bucket: change.bucket, key: change.key, on: connection)
    }
  }

  /// `read` for each item, all in one read transaction on one pooled connection.
  private func readTogether<Item, T>(
    _ items: [Item], _ read: (Item, SQLiteConnection) throws(LakeError) -> T
  ) throws(LakeError) -> [T] {
    guard !items.isEmpty else { return [] }
    return try self.read { (connection) throws(LakeError) -> [T] in
      try connection.update("BEGIN")
      defer { try? connection.update("COMMIT") }
      var values: [T] = []
      values.reserveCapacity(items.count)
      for item in items { values.append(try read(item, connection)) }
      return values
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
