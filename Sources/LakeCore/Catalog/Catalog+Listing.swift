extension Catalog {
  /// One listing page; see `LakeStore.listObjects` for the contract. All seeks of the page
  /// run in one read transaction, so the page is one consistent snapshot.
  func list(
    bucket: String, prefix: String, delimiter: String?, after: String?, maxKeys: Int
  ) throws(LakeError) -> ListPage {
    try read { (connection) throws(LakeError) -> ListPage in
      try connection.update("BEGIN")
      defer { try? connection.update("COMMIT") }
      guard try Self.bucketExists(bucket, on: connection) else { throw .noSuchBucket(bucket) }
      var scan = ListingScan(prefix: prefix, delimiter: delimiter, after: after, maxKeys: maxKeys)
      return try scan.run(bucket: bucket, on: connection)
    }
  }
}

/// The listing algorithm over the (bucket, key) primary key: keys in UTF-8 byte order, each
/// common prefix emitted once and then skipped with a fresh index seek past every key under
/// it, so a page costs O(entries) seeks and rows whatever the bucket size.
struct ListingScan {
  private let prefix: [UInt8]
  private let delimiter: [UInt8]
  /// Exclusive upper bound of keys starting with `prefix` (nil: no bound needed).
  private let upper: [UInt8]?
  private let maxKeys: Int
  /// The next seek position, or nil when the range is exhausted.
  private var lower: [UInt8]?
  private var lowerInclusive = true

  init(prefix: String, delimiter: String?, after: String?, maxKeys: Int) {
    self.prefix = Array(prefix.utf8)
    self.delimiter = Array((delimiter ?? "").utf8)
    self.upper = self.prefix.isEmpty ? nil : Self.successor(of: self.prefix)
    self.maxKeys = max(0, maxKeys)
    lower = self.prefix
    guard let after = after.map({ Array($0.utf8) }), !after.lexicographicallyPrecedes(self.prefix)
    else { return }
    if !self.delimiter.isEmpty, after.starts(with: self.prefix),
      let end = commonPrefixEnd(of: after)
    {
      // `after` lies inside (or is) a common prefix already returned: skip all of it.
      lower = Self.successor(of: Array(after[..<end]))
    } else {
      lower = after
      lowerInclusive = false
    }
  }

  private enum Outcome {
    case exhausted
    case truncated
    case seek([UInt8]?)
  }

  mutating func run(bucket: String, on connection: SQLiteConnection) throws(LakeError) -> ListPage {
    var entries: [ListEntry] = []
    while let bound = lower {
      let outcome = try connection.run(sql(inclusive: lowerInclusive)) {
        (statement) throws(LakeError) -> Outcome in
        try statement.bind(1, bucket)
        try statement.bindText(2, bytes: bound)
        if let upper { try statement.bindText(3, bytes: upper) }
        while try statement.step() {
          let key = statement.textBytes(0)
          if !key.starts(with: prefix) { return .exhausted }
          if entries.count >= maxKeys { return .truncated }
          if !delimiter.isEmpty, let end = commonPrefixEnd(of: key) {
            let common = Array(key[..<end])
            entries.append(.commonPrefix(String(decoding: common, as: UTF8.self)))
            return .seek(Self.successor(of: common))
          }
          entries.append(.object(Catalog.decodeObject(statement, bucket: bucket)))
        }
        return .exhausted
      }
      switch outcome {
      case .exhausted: return ListPage(entries: entries, isTruncated: false)
      case .truncated: return ListPage(entries: entries, isTruncated: true)
      case .seek(let next):
        lower = next
        lowerInclusive = true
      }
    }
    return ListPage(entries: entries, isTruncated: false)
  }

  private func sql(inclusive: Bool) -> String {
    let comparison = inclusive ? ">=" : ">"
    let bounded = upper == nil ? "" : " AND key < ?3"
    return """
      SELECT \(Catalog.objectColumns) FROM objects
      WHERE bucket = ?1 AND key \(comparison) ?2\(bounded) ORDER BY key
      """
  }

  /// The end index of the common prefix `key` rolls up into: the first delimiter after the
  /// listing prefix, inclusive. Nil if the key has no delimiter after the prefix.
  private func commonPrefixEnd<C: Collection<UInt8>>(of key: C) -> Int? where C.Index == Int {
    let bytes = key
    guard bytes.count >= prefix.count + delimiter.count else { return nil }
    var start = bytes.startIndex + prefix.count
    let last = bytes.endIndex - delimiter.count
    while start <= last {
      if bytes[start..<start + delimiter.count].elementsEqual(delimiter) {
        return start + delimiter.count - bytes.startIndex
      }
      start += 1
    }
    return nil
  }

  /// The smallest byte string greater than every string starting with `bytes` (the last
  /// non-0xFF byte incremented), or nil if there is none. The result may not be valid UTF-8;
  /// it is only ever compared with `memcmp` (BINARY collation).
  static func successor(of bytes: [UInt8]) -> [UInt8]? {
    var result = bytes
    while let last = result.last {
      if last < 0xFF {
        result[result.count - 1] = last + 1
        return result
      }
      result.removeLast()
    }
    return nil
  }
}
