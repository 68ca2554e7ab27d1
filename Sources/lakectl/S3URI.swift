/// A remote location on the command line: `s3://bucket/key/or/prefix`, or the `lake://`
/// alias. The key may be empty (the whole bucket) or end with `/` (a prefix).
struct S3URI: Equatable, CustomStringConvertible {
  var bucket: String
  var key: String

  /// Parses `text`; nil when it is not an `s3://` or `lake://` URI (so it is a local path).
  init?(_ text: String) {
    let rest: Substring
    if text.hasPrefix("s3://") {
      rest = text.dropFirst(5)
    } else if text.hasPrefix("lake://") {
      rest = text.dropFirst(7)
    } else {
      return nil
    }
    if let slash = rest.firstIndex(of: "/") {
      bucket = String(rest[..<slash])
      key = String(rest[rest.index(after: slash)...])
    } else {
      bucket = String(rest)
      key = ""
    }
  }

  init(bucket: String, key: String) {
    self.bucket = bucket
    self.key = key
  }

  /// Whether `text` names a remote location.
  static func isRemote(_ text: String) -> Bool { S3URI(text) != nil }

  var description: String { "s3://\(bucket)/\(key)" }

  /// The last path segment of the key (for a download's local name).
  var baseName: String {
    let trimmed = key.hasSuffix("/") ? String(key.dropLast()) : key
    return trimmed.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init)
      ?? trimmed
  }
}
