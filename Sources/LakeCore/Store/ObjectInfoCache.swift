/// Recently read catalog rows, so repeated reads of a hot key skip SQLite.
///
/// Each entry carries the version of its key's lock stripe (``KeyLockTable``) at the moment
/// the row was read while no change was in progress. An entry is used only while the stripe
/// still has that version, and every put, delete or repair of any key in the stripe changes
/// it, so a cached row is never older than the catalog: no write path needs to invalidate.
/// Stale entries are dropped when found; a full shard drops an arbitrary entry.
final class ObjectInfoCache: Sendable {
  private struct Key: Hashable {
    let bucket: String
    let key: String
  }

  private struct Entry {
    let info: ObjectInfo
    let version: UInt64
  }

  private static let shardCount = 16
  private let shards: [Locked<[Key: Entry]>]
  private let entriesPerShard: Int

  /// A cache of about `capacity` rows; 0 disables it.
  init(capacity: Int) {
    entriesPerShard = max(0, capacity) / Self.shardCount + (capacity > 0 ? 1 : 0)
    shards = (0..<Self.shardCount).map { _ in Locked([:]) }
  }

  private func shard(_ key: Key) -> Locked<[Key: Entry]> {
    shards[Int(UInt(bitPattern: key.hashValue) % UInt(Self.shardCount))]
  }

  /// The row cached for `key` in `bucket`, if it was read at stripe version `version`.
  func lookup(bucket: String, key: String, version: UInt64) -> ObjectInfo? {
    guard entriesPerShard > 0 else { return nil }
    let cacheKey = Key(bucket: bucket, key: key)
    return shard(cacheKey).withLock { entries -> ObjectInfo? in
      guard let entry = entries[cacheKey] else { return nil }
      if entry.version == version { return entry.info }
      entries[cacheKey] = nil
      return nil
    }
  }

  /// Remembers `info`, read from the catalog while its stripe had the even `version`.
  func store(_ info: ObjectInfo, version: UInt64) {
    guard entriesPerShard > 0, version % 2 == 0 else { return }
    let cacheKey = Key(bucket: info.bucket, key: info.key)
    shard(cacheKey).withLock { entries in
      if entries.count >= entriesPerShard, entries[cacheKey] == nil {
        entries.remove(at: entries.startIndex)
      }
      entries[cacheKey] = Entry(info: info, version: version)
    }
  }
}
