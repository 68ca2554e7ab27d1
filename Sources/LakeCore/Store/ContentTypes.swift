/// The Content-Type recorded for a file registered without a client to name one (``LakeStore``
/// adopting a file, `lakestore import`): from the key's suffix, else `application/octet-stream`.
/// The data-lake index still detects the format from the bytes; this is only the header GET
/// returns.
enum ContentTypes {
  static let fallback = "application/octet-stream"

  /// Lowercase suffixes (without the dot) and their types: the data formats a lake holds,
  /// and the common types of files found beside them.
  private static let bySuffix: [String: String] = [
    "parquet": "application/vnd.apache.parquet",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "tab": "text/tab-separated-values",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "ndjson": "application/x-ndjson",
    "avro": "application/avro",
    "orc": "application/x-orc",
    "arrow": "application/vnd.apache.arrow.file",
    "feather": "application/vnd.apache.arrow.file",
    "txt": "text/plain",
    "log": "text/plain",
    "md": "text/markdown",
    "html": "text/html",
    "htm": "text/html",
    "xml": "application/xml",
    "yaml": "application/yaml",
    "yml": "application/yaml",
    "gz": "application/gzip",
    "zst": "application/zstd",
    "bz2": "application/x-bzip2",
    "xz": "application/x-xz",
    "zip": "application/zip",
    "tar": "application/x-tar",
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
  ]

  /// The type for `key`'s last path segment's suffix (`a/b.CSV` is `text/csv`); the fallback
  /// when it has none or an unknown one.
  static func guess(forKey key: String) -> String {
    let name =
      key.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
      .last.map { String(Substring($0)) } ?? key
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return fallback }
    let suffix = name[name.index(after: dot)...].lowercased()
    return bySuffix[suffix] ?? fallback
  }
}
