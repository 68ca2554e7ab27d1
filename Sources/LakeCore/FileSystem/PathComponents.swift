/// Splitting keys and storage paths into path components by their UTF-8 bytes.
///
/// Splitting is done on the byte `/` (0x2F), not on `Character`, because the filesystem splits
/// on bytes: `"a/\u{301}b"` is one grapheme after the slash but two path components.
enum PathComponents {
  /// The `/`-separated components of `path`, keeping empty ones (`"a//b"` → `a`, ``, `b`).
  static func split(_ path: String) -> [String] {
    path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map {
      String(Substring($0))
    }
  }

  /// The components of a key that can be stored as a plain file `<bucket>/<key>`, or nil when
  /// the key must go to the overflow area: an empty component (leading `/`, `a//b`, trailing
  /// `/` folder markers), a `.` or `..` component, a component over 255 bytes, or a NUL byte.
  ///
  /// File/directory conflicts are not decided here but at write time, from the system calls'
  /// errors, so that concurrent writers cannot race past a pre-check.
  static func plainComponents(ofKey key: String) -> [String]? {
    if key.isEmpty || key.utf8.contains(0) { return nil }
    let components = split(key)
    for component in components {
      let bytes = component.utf8
      if bytes.isEmpty || bytes.count > 255 { return nil }
      if bytes.elementsEqual(".".utf8) || bytes.elementsEqual("..".utf8) { return nil }
    }
    return components
  }
}
