import LakeQuery

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads what the index records of one object version from its open file: the format from
/// its first bytes, and for structured files their schema and statistics.
enum FileExaminer {
  /// Examines `opened` (whose descriptor reads exactly the version `opened.info`).
  static func examine(_ opened: OpenedObject) -> LakeFileInfo {
    let info = opened.info
    var file = LakeFileInfo(
      bucket: info.bucket, key: info.key, sequence: info.sequence,
      path: DatasetPath(key: info.key), size: info.size,
      format: FormatGuess(
        format: .unstructured, gzip: false, contentType: "application/octet-stream"),
      status: .unstructured)
    let head: [UInt8]
    do throws(Errno) {
      head = try read(
        opened.descriptor, at: 0, count: Int(min(Int64(FormatGuess.sniffLength), info.size)))
    } catch {
      return unreadable(file, error)
    }
    file.format = FormatGuess.detect(
      key: info.key, head: head, complete: Int64(head.count) >= info.size)
    file.status = file.format.format == .unstructured ? .unstructured : .indexed
    return file
  }

  /// The record of a version whose file could not be read.
  static func unreadable(_ file: LakeFileInfo, _ error: Errno) -> LakeFileInfo {
    var file = file
    file.status = .unparsed
    file.reason = "the file could not be read: \(error.name)"
    return file
  }

  /// Up to `count` bytes at `offset`, fewer only at the end of the file.
  static func read(_ descriptor: Int32, at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    let result = bytes.withUnsafeMutableBytes { buffer in
      Result { () throws(Errno) in try FileOps.read(descriptor, into: buffer, at: offset) }
    }
    bytes.removeSubrange(try result.get()...)
    return bytes
  }
}
