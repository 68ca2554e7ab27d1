import Synchronization

/// Recently read catalog rows, so repeated reads of a hot key skip SQLite, and for up to
/// `descriptorLimit` of them an open descriptor of the object's file, so they skip the path
/// lookup too.
///
/// Each entry carries the version of its key's lock stripe (``KeyLockTable``) at the moment
/// the row was read and the file opened while no change was in progress. An entry is used
/// only while the stripe still has that version, and every put, delete or repair of any key
/// in the stripe changes it, so a cached row or file is never older than the catalog. Writers
/// also drop the entry of the key they change (``remove(bucket:key:)``), so the file of a
/// replaced or deleted object is closed at once and its space freed. A full shard drops an
/// arbitrary entry.
final class ObjectInfoCache: Sendable {
  /// An open read-only descriptor of an object's file, closed when the last user lets go.
  final class File: Sendable {
    let descriptor: Int32
    private let budget: Budget

    fileprivate init(descriptor: Int32, budget: Budget) {
      self.descriptor = descriptor
      self.budget = budget
    }

    deinit {
      FileOps.closeDescriptor(descriptor)
      budget.release()
    }
  }

  /// How many descriptors entries may hold open.
  fileprivate final class Budget: Sendable {
    let limit: Int
    private let used = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    func reserve() -> Bool {
      guard limit > 0 else { return false }
      if used.add(1, ordering: .relaxed).newValue <= limit { return true }
      used.subtract(1, ordering: .relaxed)
      return false
    }

    func release() { used.subtract(1, ordering: .relaxed) }

    var inUse: Int { used.load(ordering: .relaxed) }
  }

  /// What a lookup found.
  struct Hit {
    let info: ObjectInfo
    let file: File?
  }

  private struct Key: Hashable {
    let bucket: String
    let key: String
  }

  private struct Entry {
    let hit: Hit
    let version: UInt64
  }

  private static let shardCount = 16
  private let shards: [Locked<[Key: Entry]>]
  private let entriesPerShard: Int
  private let budget: Budget

  /// A cache of about `capacity` rows (0 disables it), holding at most `descriptorLimit`
  /// descriptors open.
  init(capacity: Int, descriptorLimit: Int) {
    entriesPerShard = max(0, capacity) / Self.shardCount + (capacity > 0 ? 1 : 0)
    shards = (0..<Self.shardCount).map { _ in Locked([:]) }
    budget = Budget(limit: capacity > 0 ? max(0, descriptorLimit) : 0)
  }

  /// Descriptors currently held open by entries (for tests and metrics).
  var openDescriptors: Int { budget.inUse }

  private func shard(_ key: Key) -> Locked<[Key: Entry]> {
    shards[Int(UInt(bitPattern: key.hashValue) % UInt(Self.shardCount))]
  }

  /// The entry for `key` in `bucket`, if it was made at stripe version `version`.
  func lookup(bucket: String, key: String, version: UInt64) -> Hit? {
    guard entriesPerShard > 0 else { return nil }
    let cacheKey = Key(bucket: bucket, key: key)
    var stale: Entry?
    defer { _ = stale }  // a stale entry's file closes after the lock is released
    return shard(cacheKey).withLock { entries -> Hit? in
      guard let entry = entries[cacheKey] else { return nil }
      if entry.version == version { return entry.hit }
      stale = entries.removeValue(forKey: cacheKey)
      return nil
    }
  }

  /// Remembers `info`, read from the catalog while its stripe had the even `version`, and
  /// when the descriptor budget allows, a duplicate of `descriptor` (an open descriptor of
  /// exactly the file `info` describes; the caller keeps its own).
  func store(_ info: ObjectInfo, descriptor: Int32?, version: UInt64) {
    guard entriesPerShard > 0, version % 2 == 0 else { return }
    var file: File?
    if let descriptor, budget.reserve() {
      if let copy = try? FileOps.duplicate(descriptor) {
        file = File(descriptor: copy, budget: budget)
      } else {
        budget.release()
      }
    }
    let cacheKey = Key(bucket: info.bucket, key: info.key)
    var dropped: [Entry] = []
    defer { _ = dropped }
    shard(cacheKey).withLock { entries in
      if entries.count >= entriesPerShard, entries[cacheKey] == nil {
        dropped.append(entries.remove(at: entries.startIndex).value)
      }
      if let old = entries.updateValue(
        Entry(hit: Hit(info: info, file: file), version: version), forKey: cacheKey)
      {
        dropped.append(old)
      }
    }
  }

  /// Forgets the entry of `key` in `bucket` (a writer changed it), closing its file.
  func remove(bucket: String, key: String) {
    guard entriesPerShard > 0 else { return }
    let cacheKey = Key(bucket: bucket, key: key)
    let removed = shard(cacheKey).withLock { $0.removeValue(forKey: cacheKey) }
    _ = removed
  }
}
