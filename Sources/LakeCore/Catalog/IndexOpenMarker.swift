import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Lets the index database (`index.db`, derived data) run without fsyncs, and still never be
/// trusted after a power loss could have torn it.
///
/// Without fsyncs a process crash loses nothing (the kernel keeps the pages), but a power
/// loss can leave a checkpoint half written. So while the index is open, a marker file
/// beside it (`index.db.open`, written and fsynced before the index is opened) holds the
/// machine's boot ID; a clean close checkpoints the index with a full fsync and removes the
/// marker. At the next open, a marker from another boot means the machine went down with the
/// index open: the index is deleted and rebuilt from the catalog and the files. (Where no
/// boot ID can be read, any marker left behind counts as such.)
enum IndexOpenMarker {
  /// The path of the marker of the index at `indexPath`.
  static func path(_ indexPath: String) -> String { indexPath + ".open" }

  /// The running kernel's boot ID (Linux), or nil.
  static func bootID() -> String? {
    guard
      let text = try? String(
        contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
    else { return nil }
    let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
    return id.isEmpty ? nil : id
  }

  /// Before the index at `indexPath` is opened: deletes it when a marker says the machine
  /// went down while it was open, then writes and fsyncs this boot's marker. Returns whether
  /// it deleted the index. Throws `.io` when the marker cannot be made durable.
  @discardableResult
  static func prepare(indexPath: String, logger: Logger) throws(LakeError) -> Bool {
    let marker = path(indexPath)
    let boot = bootID()
    var deleted = false
    if let found = try? String(contentsOfFile: marker, encoding: .utf8),
      boot == nil || found.trimmingCharacters(in: .whitespacesAndNewlines) != boot
    {
      logger.warning(
        "the machine went down while the data-lake index was open; rebuilding the index")
      for suffix in ["", "-wal", "-shm"] { unlink(indexPath + suffix) }
      deleted = true
    }
    try writeDurably(marker, (boot ?? "unknown") + "\n")
    return deleted
  }

  /// After a clean close of the index (checkpointed and fsynced): removes the marker.
  static func remove(indexPath: String) {
    unlink(path(indexPath))
  }

  private static func writeDurably(_ path: String, _ text: String) throws(LakeError) {
    do throws(Errno) {
      let fd = try FileOps.open(
        AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode: 0o644)
      defer { FileOps.closeDescriptor(fd) }
      var bytes = Array(text.utf8)
      let written = bytes.withUnsafeMutableBytes { buffer in
        Result { () throws(Errno) in try FileOps.writeAll(fd, UnsafeRawBufferPointer(buffer)) }
      }
      try written.get()
      try FileOps.sync(fd)
    } catch {
      throw error.lakeError("write", path)
    }
    // Its directory entry too; a marker lost with it only costs a rebuild never needed.
    guard
      let directory = try? FileOps.open(
        AT_FDCWD, (path as NSString).deletingLastPathComponent, FileOps.directoryFlags)
    else { return }
    defer { FileOps.closeDescriptor(directory) }
    try? FileOps.sync(directory)
  }
}
