import Foundation

/// Entity tags as S3 sends and takes them: quoted in headers, unquoted in LakeStore's catalog
/// and in the client's results.
public enum ETag {
  /// Strips blanks, a weak `W/` prefix and the quotes from an entity tag.
  public static func unquote(_ text: String) -> String {
    var t = text.trimmingCharacters(in: .whitespaces)
    if t.hasPrefix("W/") { t = String(t.dropFirst(2)) }
    if t.hasPrefix("\""), t.hasSuffix("\""), t.count >= 2 { t = String(t.dropFirst().dropLast()) }
    return t
  }

  /// The tag in quotes for `If-Match` and `If-None-Match`; `*` and already quoted tags as given.
  public static func quoted(_ etag: String) -> String {
    etag == "*" || etag.hasPrefix("\"") ? etag : "\"\(etag)\""
  }

  /// True when a comma-separated If-Match / If-None-Match list names `etag` or is `*`.
  public static func listMatches(_ header: String, etag: String) -> Bool {
    header.split(separator: ",").contains { item in
      let v = item.trimmingCharacters(in: .whitespaces)
      return v == "*" || unquote(v) == etag
    }
  }
}
