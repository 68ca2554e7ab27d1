/// One entry of a listing page.
public enum ListEntry: Sendable, Equatable {
  /// An object whose key matched the listing.
  case object(ObjectInfo)
  /// A rolled-up common prefix: the listing prefix, then up to and including the delimiter.
  case commonPrefix(String)

  /// The key or common prefix, which is what listing order and `after` compare.
  public var name: String {
    switch self {
    case .object(let info): return info.key
    case .commonPrefix(let prefix): return prefix
    }
  }
}

/// One page of a listing.
public struct ListPage: Sendable {
  /// Objects and common prefixes in UTF-8 byte order.
  public var entries: [ListEntry]
  /// Whether more entries exist after the last one returned.
  public var isTruncated: Bool

  public init(entries: [ListEntry], isTruncated: Bool) {
    self.entries = entries
    self.isTruncated = isTruncated
  }
}
