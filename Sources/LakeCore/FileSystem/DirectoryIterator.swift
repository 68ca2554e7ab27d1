#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Streams the entries of one open directory with `readdir(3)`, without loading the listing.
/// Not thread-safe: one thread iterates it.
final class DirectoryIterator {
  /// What kind of entry a name is, without following symlinks.
  enum Kind: Equatable {
    case directory, regularFile, symlink, other
  }

  /// One directory entry; `name` is nil when the name is not valid UTF-8.
  struct Entry {
    var name: String?
    /// The raw name for display when it is not valid UTF-8 (U+FFFD replacements).
    var displayName: String
    var kind: Kind
  }

  private let stream: OpaquePointer
  /// The iterated directory's descriptor, for `*at` calls on its entries; owned by the
  /// iterator (closed with it).
  let descriptor: Int32

  /// Iterates the directory open at `directory` (which stays owned by the caller). Opens the
  /// directory afresh (not `dup`), so its read position is not shared with anyone else.
  convenience init(directory: Int32) throws(Errno) {
    try self.init(owning: try FileOps.open(directory, ".", FileOps.directoryFlags))
  }

  /// Iterates the subdirectory `name` of `parent`, without following a symlink.
  convenience init(opening name: String, in parent: Int32) throws(Errno) {
    try self.init(owning: try FileOps.openDirectory(parent, name))
  }

  private init(owning fd: Int32) throws(Errno) {
    guard let stream = fdopendir(fd) else {
      let failure = Errno.current
      FileOps.closeDescriptor(fd)
      throw failure
    }
    self.stream = stream
    self.descriptor = fd
  }

  deinit {
    closedir(stream)
  }

  /// The next entry other than `.` and `..`, or nil at the end.
  func next() throws(Errno) -> Entry? {
    while true {
      errno = 0
      guard let entry = readdir(stream) else {
        if errno != 0 { throw Errno.current }
        return nil
      }
      let bytes = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
        Array(raw.prefix { $0 != 0 })
      }
      if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
      let name = String(validating: bytes, as: UTF8.self)
      let displayName = String(decoding: bytes, as: UTF8.self)
      var kind = Self.kind(ofType: Int32(entry.pointee.d_type))
      if kind == nil, let name {
        kind = Self.kind(ofMode: (try? FileOps.status(descriptor, name))?.st_mode)
      }
      return Entry(name: name, displayName: displayName, kind: kind ?? .other)
    }
  }

  private static func kind(ofType type: Int32) -> Kind? {
    switch type {
    case Int32(DT_DIR): return .directory
    case Int32(DT_REG): return .regularFile
    case Int32(DT_LNK): return .symlink
    case Int32(DT_UNKNOWN): return nil
    default: return .other
    }
  }

  private static func kind(ofMode mode: mode_t?) -> Kind? {
    guard let mode else { return nil }
    switch mode & S_IFMT {
    case S_IFDIR: return .directory
    case S_IFREG: return .regularFile
    case S_IFLNK: return .symlink
    default: return .other
    }
  }
}
