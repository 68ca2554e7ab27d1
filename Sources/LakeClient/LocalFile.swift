import Foundation
import LakeS3

#if canImport(Glibc)
  import Glibc
#endif

/// Local file helpers for transfers: sizes, checksums and positioned reads and writes, in
/// 1 MiB steps so memory stays bounded.
enum LocalFile {
  static let chunk = 1 << 20

  /// The regular file's size and modification time (nanoseconds since 1970), which together
  /// tell whether it changed since an upload of it began.
  static func identity(of url: URL) throws(LakeClientError) -> (size: Int64, modified: Int64) {
    var info = stat()
    guard stat(url.path, &info) == 0 else {
      throw .local(
        "cannot read \(url.path): \(String(cString: strerror(errno)))", resource: url.path)
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw .local("\(url.path) is not a regular file", resource: url.path)
    }
    return (
      Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    )
  }

  /// The base64 full-object checksum of the file, read once from start to end.
  static func checksum(_ algorithm: ChecksumAlgorithm, of url: URL) throws(LakeClientError)
    -> String
  {
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw .local(
        "cannot open \(url.path): \(String(cString: strerror(errno)))", resource: url.path)
    }
    defer { close(fd) }
    var state = Checksum(algorithm)
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, chunk) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .local(
          "cannot read \(url.path): \(String(cString: strerror(errno)))", resource: url.path)
      }
      if count == 0 { break }
      buffer.withUnsafeBytes { state.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
    return Checksum.base64(state.finalize())
  }
}

extension LocalFile {
  /// A file being written at positions, from several tasks at once (`pwrite` is safe to call
  /// concurrently on one descriptor).
  final class PositionalWriter: Sendable {
    let path: String
    private let fd: Int32

    /// Creates (or truncates) `path` with mode 0644.
    init(creating path: String) throws(LakeClientError) {
      let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        throw .local("cannot create \(path): \(String(cString: strerror(errno)))", resource: path)
      }
      self.fd = fd
      self.path = path
    }

    deinit { close(fd) }

    func write(_ data: Data, at offset: Int64) throws(LakeClientError) {
      var done = 0
      while done < data.count {
        let count = data.withUnsafeBytes { bytes in
          pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
        }
        if count < 0 {
          if errno == EINTR { continue }
          throw .local("cannot write \(path): \(String(cString: strerror(errno)))", resource: path)
        }
        done += count
      }
    }
  }

  /// Reads `length` bytes at `offset` (fewer only at the end of the file).
  static func read(_ url: URL, offset: Int64, length: Int) throws(LakeClientError) -> Data {
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw .local(
        "cannot open \(url.path): \(String(cString: strerror(errno)))", resource: url.path)
    }
    defer { close(fd) }
    var data = Data(count: length)
    var done = 0
    while done < length {
      let count = data.withUnsafeMutableBytes { bytes in
        pread(fd, bytes.baseAddress! + done, length - done, off_t(offset) + off_t(done))
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw .local(
          "cannot read \(url.path): \(String(cString: strerror(errno)))", resource: url.path)
      }
      if count == 0 { break }
      done += count
    }
    if done < length { data.removeSubrange(done..<length) }
    return data
  }
}
