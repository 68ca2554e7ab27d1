import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The data directory and the open descriptors of its fixed parts:
///
/// ```
/// <data>/<bucket>/<key>            plain objects
/// <data>/.lakestore/catalog.db     the SQLite catalog
/// <data>/.lakestore/tmp/           in-flight uploads
/// <data>/.lakestore/overflow/      objects whose key is not a safe relative path
/// <data>/.lakestore/uploads/<id>/  parts of multipart uploads in progress
/// <data>/.lakestore/lost+found/    files fsck moved aside
/// <data>/.lakestore/lock           flock held while a store has the directory open
/// ```
///
/// Descriptors stay open until the layout is deallocated (writers keep it alive), so a
/// descriptor number is never reused while another thread may still use it.
final class DataLayout: Sendable {
  static let metaName = ".lakestore"
  static let tmpName = "tmp"
  static let overflowName = "overflow"
  static let uploadsName = "uploads"
  static let lostAndFoundName = "lost+found"
  /// Storage paths of overflow objects start with this.
  static let overflowPrefix = ".lakestore/overflow/"

  /// The data directory as given.
  let rootPath: String
  let root: Int32
  let meta: Int32
  let tmp: Int32
  let overflow: Int32
  let uploads: Int32
  /// Whether the filesystem keeps names byte-exact (no case folding, no Unicode
  /// normalization). When it does not, distinct keys could share a file, so every key is
  /// stored in overflow instead of at `<bucket>/<key>`.
  let namesAreExact: Bool
  private let lockDescriptor: Locked<Int32>

  /// Creates the layout if needed and takes the directory lock.
  /// Throws `.io` if a directory cannot be created or another store holds the lock.
  init(rootPath: String) throws(LakeError) {
    self.rootPath = rootPath
    try Self.makeDirectories(rootPath)
    var opened: [Int32] = []
    do throws(LakeError) {
      let root = try Self.step("open", rootPath) { () throws(Errno) -> Int32 in
        try FileOps.open(AT_FDCWD, rootPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      }
      opened.append(root)
      let meta = try Self.subdirectory(root, Self.metaName)
      opened.append(meta)
      let tmp = try Self.subdirectory(meta, Self.tmpName)
      opened.append(tmp)
      let overflow = try Self.subdirectory(meta, Self.overflowName)
      opened.append(overflow)
      let uploads = try Self.subdirectory(meta, Self.uploadsName)
      opened.append(uploads)
      let lock = try Self.step("open", ".lakestore/lock") { () throws(Errno) -> Int32 in
        try FileOps.open(meta, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
      }
      opened.append(lock)
      if FileOps.retrying({ flock(lock, LOCK_EX | LOCK_NB) }) != 0 {
        throw Errno.current.lakeError("lock (is another store using it?)", ".lakestore/lock")
      }
      (self.root, self.meta, self.tmp, self.overflow) = (root, meta, tmp, overflow)
      self.uploads = uploads
      self.lockDescriptor = Locked(lock)
      self.namesAreExact = Self.probeExactNames(in: tmp)
    } catch {
      opened.forEach(FileOps.closeDescriptor)
      throw error
    }
  }

  deinit {
    releaseLock()
    [root, meta, tmp, overflow, uploads].forEach(FileOps.closeDescriptor)
  }

  /// The path SQLite opens the catalog at.
  var catalogPath: String { rootPath + "/.lakestore/catalog.db" }
  /// The data-lake index, derived from the catalog and the files (rebuilt when missing).
  var indexPath: String { rootPath + "/.lakestore/index.db" }

  /// Releases the directory lock so another store may open it; idempotent.
  func releaseLock() {
    lockDescriptor.withLock { fd in
      if fd >= 0 {
        FileOps.closeDescriptor(fd)
        fd = -1
      }
    }
  }

  /// Creates a probe file and looks for it under a case-folded and a decomposed spelling.
  private static func probeExactNames(in directory: Int32) -> Bool {
    let stem = "probe-" + UniqueName.next() + "-"
    let name = stem + "A\u{E9}"  // "Aé", é precomposed (NFC)
    guard let fd = try? FileOps.open(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC)
    else { return true }
    FileOps.closeDescriptor(fd)
    defer { try? FileOps.unlink(directory, name) }
    for alias in [stem + "a\u{E9}", stem + "Ae\u{301}"]
    where (try? FileOps.status(directory, alias)) != nil {
      return false
    }
    return true
  }

  private static func subdirectory(_ parent: Int32, _ name: String) throws(LakeError) -> Int32 {
    try step("open", name) { () throws(Errno) -> Int32 in
      guard let fd = try DirectoryWalk.descend(from: parent, through: [name], create: true) else {
        throw Errno(code: ENOTDIR)
      }
      return fd
    }
  }

  /// `mkdir -p` for the data directory itself.
  private static func makeDirectories(_ path: String) throws(LakeError) {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in PathComponents.split(path) where !component.isEmpty {
      prefix += "/" + component
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
        throw Errno.current.lakeError("mkdir", prefix)
      }
    }
  }

  private static func step<T>(_ operation: String, _ path: String, _ body: () throws(Errno) -> T)
    throws(LakeError) -> T
  {
    do { return try body() } catch { throw error.lakeError(operation, path) }
  }

  /// Throws `.io` with `ENOSPC` when writing `needed` more bytes would leave less than
  /// `reserve` bytes available to unprivileged users on the data directory's file system.
  /// A failing `statvfs` is not an error (the write itself will report a real problem).
  func checkFreeSpace(reserve: Int64, needed: Int64) throws(LakeError) {
    guard reserve > 0 else { return }
    var info = statvfs()
    guard fstatvfs(root, &info) == 0 else { return }
    let (available, overflow) = Int64(clamping: info.f_bavail).multipliedReportingOverflow(
      by: Int64(clamping: info.f_frsize))
    let free = overflow ? Int64.max : available
    if needed > free || free - needed < reserve {
      throw .io(
        operation: "keep min_free_bytes=\(reserve) free on", path: rootPath, errno: ENOSPC)
    }
  }
}
