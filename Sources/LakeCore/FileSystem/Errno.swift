#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A failed system call's `errno`, thrown by the thin wrappers in `FileOps` so callers can
/// branch on it (EEXIST, ENOTDIR…) before turning it into a `LakeError` with context.
struct Errno: Error, Equatable {
  var code: Int32

  /// The calling thread's current `errno`.
  static var current: Errno { Errno(code: errno) }

  /// This failure as a `LakeError.io`, naming the operation and the path (relative to the data
  /// directory where possible).
  func lakeError(_ operation: String, _ path: String) -> LakeError {
    .io(operation: operation, path: path, errno: code)
  }

  /// The symbolic name of common codes (`EIO`, `ENOSPC`…), else `errno N`.
  var name: String {
    switch code {
    case EIO: "EIO"
    case ENOSPC: "ENOSPC"
    case EROFS: "EROFS"
    case EDQUOT: "EDQUOT"
    case EACCES: "EACCES"
    case EPERM: "EPERM"
    case ENOENT: "ENOENT"
    case EEXIST: "EEXIST"
    case ENOTDIR: "ENOTDIR"
    case EISDIR: "EISDIR"
    case ELOOP: "ELOOP"
    case EMFILE: "EMFILE"
    case ENFILE: "ENFILE"
    case EINVAL: "EINVAL"
    case EBADF: "EBADF"
    default: "errno \(code)"
    }
  }
}
