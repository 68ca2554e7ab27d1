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
  /// ELOOP for a symlink and EINVAL for anything that is not a regular file (a FIFO is opened
  /// non-blocking so it cannot hang the caller). Returns the (blocking again) descriptor and
  /// the file's size.
  static func openRegularFile(from root: Int32, at relativePath: String) throws(Errno)
    -> (descriptor: Int32, size: Int64)
  {
    let (directory, name) = try openParent(from: root, of: relativePath)
    defer { FileOps.closeDescriptor(directory) }
    let flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
    let fd = try FileOps.open(directory, name, flags)
    do throws(Errno) {
      let info = try FileOps.status(fd)
      guard FileOps.isRegularFile(info) else { throw Errno(code: EINVAL) }
      let status = fcntl(fd, F_GETFL)
      if status < 0 || fcntl(fd, F_SETFL, status & ~O_NONBLOCK) < 0 { throw Errno.current }
      return (fd, Int64(info.st_size))
    } catch {
      FileOps.closeDescriptor(fd)
      throw error
    }
  }

  /// `lstat` of a relative path, walking without following symlinks.
  static func status(from root: Int32, at relativePath: String) throws(Errno) -> stat {
    let (directory, name) = try openParent(from: root, of: relativePath)
    defer { FileOps.closeDescriptor(directory) }
    return try FileOps.status(directory, name)
  }
}
