import CLakeSystem
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Walking down a directory tree one component at a time with `openat(O_NOFOLLOW)`, so that a
/// symlink planted anywhere in the tree is never followed out of it.
enum DirectoryWalk {
  /// Opens the directory reached from `start` through `components`, creating missing ones
  /// when `create` is set. Returns an owned descriptor, or nil when a component exists but is
  /// not a directory (a file, or a symlink to anything): the caller treats that as a conflict.
  ///
  /// `start` stays open and owned by the caller. When `create` is set, every directory that
  /// gains a new entry is fsynced so the new path survives power loss.
  static func descend(
    from start: Int32, through components: ArraySlice<String>, create: Bool
  ) throws(Errno) -> Int32? {
    guard !components.isEmpty else { return try FileOps.duplicate(start) }
    var current = start  // owned by us once it differs from `start`
    defer { if current != start { FileOps.closeDescriptor(current) } }
    for component in components {
      guard let next = try openStep(current, component, create: create) else { return nil }
      if current != start { FileOps.closeDescriptor(current) }
      current = next
    }
    let result = current
    current = start  // hand ownership to the caller
    return result
  }

  /// Opens (or creates then opens) one component; nil on a file or symlink in the way.
  private static func openStep(_ parent: Int32, _ name: String, create: Bool) throws(Errno)
    -> Int32?
  {
    // A concurrent pruner can remove a directory between mkdir and open only if the caller
    // does not hold the prune lock; retry a few times to stay correct even then.
    for _ in 0..<4 {
      do {
        return try FileOps.openDirectory(parent, name)
      } catch let failure {
        switch failure.code {
        case ENOTDIR, ELOOP:
          return nil
        case ENOENT where create:
          do {
            try FileOps.makeDirectory(parent, name)
            try FileOps.sync(parent)
          } catch let mkdirFailure where mkdirFailure.code == EEXIST {
            continue  // someone else created it (or a file appeared): open decides
          }
        default:
          throw failure
        }
      }
    }
    throw Errno(code: ENOENT)
  }

  /// Opens the parent directory of a relative path (no creation) and returns it with the
  /// last component. Throws ENOENT for paths with empty components, ENOTDIR when an
  /// intermediate component is not a directory.
  static func openParent(from root: Int32, of relativePath: String) throws(Errno)
    -> (directory: Int32, name: String)
  {
    let components = PathComponents.split(relativePath)
    guard let name = components.last, !components.contains(where: \.isEmpty) else {
      throw Errno(code: ENOENT)
    }
    guard let directory = try descend(from: root, through: components.dropLast(), create: false)
    else { throw Errno(code: ENOTDIR) }
    return (directory, name)
  }

  /// Opens a regular file for reading by a relative path, never following symlinks. Throws
  /// ELOOP for a symlink and EINVAL for anything that is not a regular file. Returns the
  /// descriptor and the file's size.
  ///
  /// One `openat2` call resolves the whole path beneath `root` with symlinks refused in every
  /// component; kernels without it get the component-by-component walk. The file is opened
  /// `O_NONBLOCK`, so a FIFO planted in the tree cannot hang the caller; the flag has no
  /// effect on reads of regular files, so the descriptor is returned as it is.
  static func openRegularFile(from root: Int32, at relativePath: String) throws(Errno)
    -> (descriptor: Int32, size: Int64)
  {
    let fd: Int32
    if let opened = try openBeneath(root, relativePath, cachedOnly: false) {
      fd = opened
    } else {
      let (directory, name) = try openParent(from: root, of: relativePath)
      defer { FileOps.closeDescriptor(directory) }
      fd = try FileOps.open(directory, name, readFlags)
    }
    return try checkedRegularFile(fd)
  }

  /// Like ``openRegularFile(from:at:)``, but only when that cannot wait for the disk: returns
  /// nil unless every directory on the path is in the kernel's lookup cache (and the kernel
  /// can tell, Linux 5.12 or later).
  static func openRegularFileIfCached(from root: Int32, at relativePath: String) throws(Errno)
    -> (descriptor: Int32, size: Int64)?
  {
    guard cachedOpenAvailable.load(ordering: .relaxed) else { return nil }
    let fd: Int32?
    do {
      fd = try openBeneath(root, relativePath, cachedOnly: true)
    } catch let failure {
      switch failure.code {
      case EAGAIN: return nil
      case EINVAL:  // a kernel before RESOLVE_CACHED
        cachedOpenAvailable.store(false, ordering: .relaxed)
        return nil
      default: throw failure
      }
    }
    guard let fd else { return nil }
    return try checkedRegularFile(fd)
  }

  private static let readFlags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC

  /// `fd` with its size when it is a regular file; closes it and throws EINVAL otherwise.
  private static func checkedRegularFile(_ fd: Int32) throws(Errno) -> (
    descriptor: Int32, size: Int64
  ) {
    do throws(Errno) {
      let info = try FileOps.status(fd)
      guard FileOps.isRegularFile(info) else { throw Errno(code: EINVAL) }
      return (fd, Int64(info.st_size))
    } catch {
      FileOps.closeDescriptor(fd)
      throw error
    }
  }

  /// Whether `openat2` works here; cleared for good on the first ENOSYS or EPERM.
  private static let openat2Available = Atomic<Bool>(true)
  /// Whether `openat2` knows `RESOLVE_CACHED`; cleared for good on the first EINVAL.
  private static let cachedOpenAvailable = Atomic<Bool>(true)

  /// Opens `relativePath` beneath `root` in one `openat2` call. Returns nil when the kernel
  /// (or a seccomp filter) refuses `openat2`, so the caller walks instead. Paths the walk
  /// would refuse (empty components, a leading `/`) fail the same way here.
  private static func openBeneath(_ root: Int32, _ relativePath: String, cachedOnly: Bool)
    throws(Errno) -> Int32?
  {
    guard openat2Available.load(ordering: .relaxed) else { return nil }
    var previous: UInt8 = UInt8(ascii: "/")
    for byte in relativePath.utf8 {
      if byte == UInt8(ascii: "/") && previous == byte { throw Errno(code: ENOENT) }
      previous = byte
    }
    if previous == UInt8(ascii: "/") { throw Errno(code: ENOENT) }
    let fd = lake_open_beneath(root, relativePath, readFlags, cachedOnly ? 1 : 0)
    if fd >= 0 { return fd }
    let code = errno
    if code == ENOSYS || code == EPERM {
      openat2Available.store(false, ordering: .relaxed)
      return nil
    }
    // An escape attempt (EXDEV) is reported like a missing file, as the walk would.
    throw Errno(code: code == EXDEV ? ENOENT : code)
  }

  /// `lstat` of a relative path, walking without following symlinks.
  static func status(from root: Int32, at relativePath: String) throws(Errno) -> stat {
    let (directory, name) = try openParent(from: root, of: relativePath)
    defer { FileOps.closeDescriptor(directory) }
    return try FileOps.status(directory, name)
  }
}
