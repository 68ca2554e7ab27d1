import ArgumentParser
import Crypto
import Foundation
import LakeClient
import LakeS3

#if canImport(Glibc)
  import Glibc
#endif

/// Options of commands that work on many files (`cp --recursive`, `sync`, `rm --recursive`).
struct SelectionOptions: ParsableArguments {
  @Option(help: "Leave out paths matching this glob, relative to the source (repeatable).")
  var exclude: [String] = []

  @Option(help: "Take only paths matching this glob (repeatable); --exclude still applies.")
  var include: [String] = []

  /// Whether the relative path `path` is selected. Globs use fnmatch(3) rules, `*` crossing
  /// `/` as in aws cli (`--exclude '*.tmp'` leaves out `a/b.tmp`).
  func selects(_ path: String) -> Bool {
    func matches(_ pattern: String) -> Bool { fnmatch(pattern, path, 0) == 0 }
    if !include.isEmpty, !include.contains(where: matches) { return false }
    return !exclude.contains(where: matches)
  }
}

/// One file on either side of a recursive transfer: its path relative to the root, size, time
/// and (remote) ETag.
struct Entry: Sendable {
  var relative: String
  var size: Int64
  var modified: Date?
  var etag: String?
}

/// Listing both sides of a recursive command.
enum Tree {
  /// Every regular file under `root` (symbolic links followed as aws cli does not: skipped),
  /// sorted by relative path.
  static func local(_ root: String) throws -> [Entry] {
    var entries: [Entry] = []
    let base = URL(fileURLWithPath: root).standardizedFileURL.path
    guard let walker = FileManager.default.enumerator(atPath: base) else {
      throw LakectlFailure("cannot read the folder \(root)")
    }
    while let relative = walker.nextObject() as? String {
      var info = stat()
      guard lstat(base + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
        continue
      }
      let modified = Date(
        timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
      entries.append(Entry(relative: relative, size: Int64(info.st_size), modified: modified))
    }
    return entries.sorted { $0.relative < $1.relative }
  }

  /// Every object under `uri`'s key (one listing), relative to it; a key equal to the prefix
  /// or ending in `/` (a folder marker) is skipped.
  static func remote(_ client: LakeClient, _ uri: S3URI) async throws -> [Entry] {
    var entries: [Entry] = []
    for try await object in client.list(bucket: uri.bucket, prefix: uri.key) {
      let relative = String(object.key.dropFirst(uri.key.count))
      guard !relative.isEmpty, !relative.hasSuffix("/") else { continue }
      entries.append(
        Entry(
          relative: relative, size: object.size, modified: object.lastModified, etag: object.etag))
    }
    return entries
  }

  /// The prefix under which a recursive source's relative paths go: `uri`'s key as a folder.
  static func folderKey(_ key: String) -> String {
    key.isEmpty || key.hasSuffix("/") ? key : key + "/"
  }

  /// The hex MD5 of a local file (the ETag S3 gives a single-part upload of it).
  static func md5(_ path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw LakectlFailure("cannot read \(path)")
    }
    defer { try? handle.close() }
    var md5 = Insecure.MD5()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      md5.update(data: chunk)
    }
    return Hex.encode(md5.finalize())
  }
}

/// Counts files and bytes done by parallel transfers and draws them on standard error.
final class BatchProgress: @unchecked Sendable {
  private let lock = NSLock()
  private let files: Int
  private let bytes: Int64
  private var filesDone = 0
  private var bytesDone: Int64 = 0
  private let start = Date()
  private var lastDraw = Date.distantPast
  private var drawn = false
  private let enabled: Bool

  init(files: Int, bytes: Int64, enabled: Bool) {
    self.files = files
    self.bytes = bytes
    self.enabled = enabled
  }

  func done(_ size: Int64) {
    lock.lock()
    defer { lock.unlock() }
    filesDone += 1
    bytesDone += size
    let now = Date()
    guard enabled, now.timeIntervalSince(start) >= 1, now.timeIntervalSince(lastDraw) >= 0.1
    else { return }
    lastDraw = now
    let rate = Double(bytesDone) / max(0.001, now.timeIntervalSince(start))
    let line =
      "\r\(filesDone)/\(files) files  \(Terminal.size(bytesDone)) / \(Terminal.size(bytes))  \(Terminal.size(Int64(rate)))/s   "
    FileHandle.standardError.write(Data(line.utf8))
    drawn = true
  }

  func finish() {
    lock.lock()
    defer { lock.unlock() }
    if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
