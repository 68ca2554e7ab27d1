import CLakeSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Thin wrappers over the `*at` system calls LakeCore uses. Each retries `EINTR` and throws
/// `Errno` on failure. Names are single path components (never containing `/` or NUL); none of
/// these follow a symlink in the named component. All are safe to call from any thread.
enum FileOps {
  /// Flags for opening a directory component: never follow a symlink, never leak into children.
  static let directoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC

  /// Runs `body` again while it fails with `EINTR`; returns its result.
  @inline(__always)
  static func retrying(_ body: () -> Int32) -> Int32 {
    while true {
      let result = body()
      if result == -1 && errno == EINTR { continue }
      return result
    }
  }

  /// `openat(2)`; returns an owned descriptor.
  static func open(
    _ directory: Int32, _ name: String, _ flags: Int32, mode: mode_t = 0
  ) throws(Errno) -> Int32 {
    let fd = retrying { openat(directory, name, flags, mode) }
    if fd < 0 { throw Errno.current }
    return fd
  }

  /// Opens the directory `name` inside `directory` without following a symlink.
  /// Throws ENOTDIR or ELOOP when `name` is a file or a symlink.
  static func openDirectory(_ directory: Int32, _ name: String) throws(Errno) -> Int32 {
    try open(directory, name, directoryFlags)
  }

  /// A new descriptor for the same open directory or file (`F_DUPFD_CLOEXEC`).
  static func duplicate(_ fd: Int32) throws(Errno) -> Int32 {
    let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
    if copy < 0 { throw Errno.current }
    return copy
  }

  /// `mkdirat(2)` with mode 0755 (before umask).
  static func makeDirectory(_ directory: Int32, _ name: String) throws(Errno) {
    if retrying({ mkdirat(directory, name, 0o755) }) != 0 { throw Errno.current }
  }

  /// `renameat(2)`: atomically replaces a file (or symlink) at the destination, never follows.
  static func rename(
    _ fromDirectory: Int32, _ fromName: String, _ toDirectory: Int32, _ toName: String
  ) throws(Errno) {
    if retrying({ renameat(fromDirectory, fromName, toDirectory, toName) }) != 0 {
      throw Errno.current
    }
  }

  /// `linkat(2)` without following a symlink; fails with EEXIST rather than replacing.
  static func link(
    _ fromDirectory: Int32, _ fromName: String, _ toDirectory: Int32, _ toName: String
  ) throws(Errno) {
    if retrying({ linkat(fromDirectory, fromName, toDirectory, toName, 0) }) != 0 {
      throw Errno.current
    }
  }

  /// `unlinkat(2)`; `directory: true` removes an empty directory (AT_REMOVEDIR).
  static func unlink(_ directory: Int32, _ name: String, isDirectory: Bool = false) throws(Errno) {
    let flags = isDirectory ? AT_REMOVEDIR : 0
    if retrying({ unlinkat(directory, name, flags) }) != 0 { throw Errno.current }
  }

  /// `write(2)` until every byte is written (partial writes and EINTR are retried).
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
    guard let base = bytes.baseAddress else { return }
    var offset = 0
    while offset < bytes.count {
      let written = write(fd, base + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw Errno.current
      }
      offset += written
    }
  }

  /// Appends `length` bytes of `source` from offset 0 to `destination` at its file offset,
  /// with `copy_file_range(2)` where the kernel supports it (no bytes through user space),
  /// else with `pread`/`write` through a 1 MiB buffer. Throws ENODATA when `source` is shorter.
  static func appendCopy(from source: Int32, length: Int64, to destination: Int32) throws(Errno) {
    var offset: Int64 = 0
    var kernelCopy = true
    var buffer: UnsafeMutableRawBufferPointer?
    defer { buffer?.deallocate() }
    while offset < length {
      let want = Int(min(length - offset, 1 << 30))
      if kernelCopy {
        let copied = lake_copy_range(source, &offset, destination, want)
        if copied > 0 { continue }
        if copied == 0 { throw Errno(code: ENODATA) }
        switch errno {
        case EXDEV, ENOSYS, EOPNOTSUPP, EINVAL: kernelCopy = false
        default: throw Errno.current
        }
      }
      let staging = buffer ?? .allocate(byteCount: 1 << 20, alignment: 16)
      buffer = staging
      let count = pread(source, staging.baseAddress, min(want, staging.count), off_t(offset))
      if count < 0 {
        if errno == EINTR { continue }
        throw Errno.current
      }
      if count == 0 { throw Errno(code: ENODATA) }
      try writeAll(destination, UnsafeRawBufferPointer(rebasing: staging[..<count]))
      offset += Int64(count)
    }
  }

  /// Reads into `buffer` from `offset` until it is full or the file ends; returns the bytes
  /// read (fewer than the buffer only at the end of the file).
  static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64)
    throws(Errno) -> Int
  {
    var filled = 0
    while filled < buffer.count {
      let count = pread(
        fd, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset) + off_t(filled))
      if count < 0 {
        if errno == EINTR { continue }
        throw Errno.current
      }
      if count == 0 { break }
      filled += count
    }
    return filled
  }

  /// Names one file by what a rename or hard link keeps and a rewrite changes: inode number
  /// and modification time to the nanosecond. Recovery uses it to recognise a temp file after
  /// its rename without hashing it.
  static func identity(_ info: stat) -> String {
    "\(info.st_ino):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
  }

  /// `fsync(2)` of a file or directory descriptor.
  static func sync(_ fd: Int32) throws(Errno) {
    if retrying({ fsync(fd) }) != 0 { throw Errno.current }
  }

  /// `fdatasync(2)`: the file's data and what is needed to read it back (its size), not its
  /// timestamps.
  static func dataSync(_ fd: Int32) throws(Errno) {
    if retrying({ fdatasync(fd) }) != 0 { throw Errno.current }
  }

  /// `fstatat(2)` with `AT_SYMLINK_NOFOLLOW`.
  static func status(_ directory: Int32, _ name: String) throws(Errno) -> stat {
    var info = stat()
    if retrying({ fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) }) != 0 {
      throw Errno.current
    }
    return info
  }

  /// `fstat(2)`.
  static func status(_ fd: Int32) throws(Errno) -> stat {
    var info = stat()
    if retrying({ fstat(fd, &info) }) != 0 { throw Errno.current }
    return info
  }

  /// Whether a `stat` describes a regular file.
  static func isRegularFile(_ info: stat) -> Bool {
    (info.st_mode & S_IFMT) == S_IFREG
  }

  /// Whether a `stat` describes a directory.
  static func isDirectory(_ info: stat) -> Bool {
    (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// `close(2)`; errors are ignored (on Linux the descriptor is gone either way, and retrying
  /// on EINTR could close someone else's descriptor).
  static func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
  }
}
