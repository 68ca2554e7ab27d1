import ArgumentParser
import Dispatch
import Foundation
import LakeClient
import LakeS3

#if canImport(Glibc)
  import Glibc
#endif

/// Options of commands that move bytes.
struct TransferOptions: ParsableArguments {
  @Flag(name: .shortAndLong, help: "Print nothing but errors (no progress, no summary).")
  var quiet = false

  @Option(help: "Content-Type to store with uploads.") var contentType: String?

  @Option(name: .customLong("metadata"), help: "User metadata NAME=VALUE for uploads (repeatable).")
  var metadata: [String] = []

  @Flag(help: "Fail instead of replacing an object that exists (If-None-Match: *).")
  var noOverwrite = false

  @Option(
    help: "Checksum sent with uploads: crc64nvme (default), crc32c, crc32, sha1, sha256 or none.")
  var checksum = "crc64nvme"

  @Option(help: "Part size for multipart transfers, such as 8M or 64MiB (at least 5M; default 6M).")
  var partSize: String?

  @Option(
    name: .shortAndLong,
    help: "Parts (one file) or files (recursive commands) moved at once (default 4 / 32).")
  var jobs: Int?

  func validate() throws {
    if checksum != "none", ChecksumAlgorithm(name: checksum) == nil {
      throw ValidationError("unknown --checksum '\(checksum)'")
    }
    for pair in metadata where !pair.contains("=") {
      throw ValidationError("--metadata takes NAME=VALUE, not '\(pair)'")
    }
    if let partSize, ByteSize.parse(partSize) == nil {
      throw ValidationError("--part-size takes a size such as 8M, not '\(partSize)'")
    }
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
  }

  var putOptions: PutOptions {
    var options = PutOptions()
    options.contentType = contentType
    options.checksum = checksum == "none" ? nil : ChecksumAlgorithm(name: checksum)
    if noOverwrite { options.ifNoneMatch = "*" }
    // Multipart uploads of files keep a journal beside the file, so a rerun after a crash or
    // kill -9 sends only the missing parts.
    options.resumable = true
    for pair in metadata {
      let parts = pair.split(separator: "=", maxSplits: 1)
      options.metadata[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
    }
    return options
  }

  /// Files moved at once by recursive commands unless `--jobs` says otherwise: small files
  /// are bound by round trips, not bandwidth, so many go at once (s5cmd uses 256 workers).
  static let defaultFileJobs = 32

  /// lakectl's part size unless `--part-size` says otherwise: smaller than the library's 8 MiB
  /// so that 4 parts in flight, each held twice (lakectl's buffer and URLSession's copy), keep
  /// a 1 GiB transfer under 100 MiB of memory (measured: ~94 MiB up, ~85 MiB down).
  static let defaultPartSize: Int64 = 6 << 20

  /// The client with this command's part size and parallelism (`files`: a recursive command,
  /// whose parallelism is files at once).
  func tuned(_ client: LakeClient, files: Bool = false) -> LakeClient {
    var configuration = client.configuration
    configuration.partSize = max(5 << 20, partSize.flatMap(ByteSize.parse) ?? Self.defaultPartSize)
    configuration.multipartThreshold = max(
      configuration.multipartThreshold, configuration.partSize)
    configuration.parallelism = jobs ?? (files ? Self.defaultFileJobs : configuration.parallelism)
    return LakeClient(configuration: configuration)
  }

  /// Prints a summary line unless quiet (on standard error when standard output carries data).
  func report(_ line: String, toStandardError: Bool = false) {
    guard !quiet else { return }
    if toStandardError {
      FileHandle.standardError.write(Data((line + "\n").utf8))
    } else {
      print(line)
    }
  }

  func progressBar(label: String) -> ProgressBar? {
    quiet || !Terminal.stderrIsTerminal ? nil : ProgressBar(label: label)
  }
}

/// Sizes on the command line: `512`, `8K`, `8M`, `1.5G`, `64MiB` (binary units).
enum ByteSize {
  static func parse(_ text: String) -> Int64? {
    var number = text.trimmingCharacters(in: .whitespaces)
    var unit: Double = 1
    for (suffixes, value) in [
      (["KiB", "KB", "K", "k"], 1024.0), (["MiB", "MB", "M", "m"], 1024.0 * 1024),
      (["GiB", "GB", "G", "g"], 1024.0 * 1024 * 1024), (["B", "b"], 1.0),
    ] {
      if let suffix = suffixes.first(where: { number.hasSuffix($0) }) {
        number.removeLast(suffix.count)
        unit = value
        break
      }
    }
    guard let value = Double(number), value >= 0, value * unit < 9e18 else { return nil }
    return Int64(value * unit)
  }
}

/// A one-line progress display on standard error (bytes, rate, ETA), drawn only once a
/// transfer has run for a second, at most ten times a second.
final class ProgressBar: @unchecked Sendable {
  private let lock = NSLock()
  private let label: String
  private let start = Date()
  private var lastDraw = Date.distantPast
  private var drawn = false

  init(label: String) { self.label = label }

  func update(_ progress: TransferProgress) {
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    let elapsed = now.timeIntervalSince(start)
    guard elapsed >= 1, now.timeIntervalSince(lastDraw) >= 0.1 else { return }
    lastDraw = now
    let rate = Double(progress.bytesDone) / max(elapsed, 0.001)
    var line = "\r\(label)  \(Terminal.size(progress.bytesDone))"
    if let total = progress.bytesTotal, total > 0 {
      let percent = Int(Double(progress.bytesDone) * 100 / Double(total))
      line += " / \(Terminal.size(total))  \(percent)%"
      if rate > 0 {
        line += "  ETA \(Int(Double(total - progress.bytesDone) / rate))s"
      }
    }
    line += "  \(Terminal.size(Int64(rate)))/s   "
    FileHandle.standardError.write(Data(line.utf8))
    drawn = true
  }

  /// A progress callback that draws on this bar.
  var reporter: @Sendable (TransferProgress) -> Void {
    { [self] progress in update(progress) }
  }

  func finish() {
    lock.lock()
    defer { lock.unlock() }
    if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}

/// Uploads a local file, or standard input for `-`, to `uri`.
func upload(_ client: LakeClient, source: String, to uri: S3URI, transfer: TransferOptions)
  async throws -> PutResult
{
  let client = transfer.tuned(client)
  let bar = transfer.progressBar(label: uri.description)
  defer { bar?.finish() }
  let report = bar?.reporter
  if source == "-" {
    return try await client.putObject(
      bucket: uri.bucket, key: uri.key, chunks: FileChunks(handle: .standardInput),
      options: transfer.putOptions, progress: report)
  }
  return try await client.putObject(
    bucket: uri.bucket, key: uri.key, file: URL(fileURLWithPath: source),
    options: transfer.putOptions, progress: report)
}

/// Downloads `uri` to a local path, or to standard output for `-`.
func download(_ client: LakeClient, from uri: S3URI, to target: String, transfer: TransferOptions)
  async throws -> ObjectHead
{
  let client = transfer.tuned(client)
  if target == "-" {
    return try await writeObject(client, uri, to: .standardOutput)
  }
  let bar = transfer.progressBar(label: uri.description)
  defer { bar?.finish() }
  return try await client.download(
    bucket: uri.bucket, key: uri.key, to: URL(fileURLWithPath: target),
    progress: bar?.reporter)
}

/// Streams an object to `handle` range by range.
@discardableResult
func writeObject(_ client: LakeClient, _ uri: S3URI, to handle: FileHandle) async throws
  -> ObjectHead
{
  var size: Int64 = 0
  for try await chunk in client.objectBytes(bucket: uri.bucket, key: uri.key) {
    try handle.write(contentsOf: chunk)
    size += Int64(chunk.count)
  }
  return ObjectHead(size: size, etag: "")
}

/// A file handle's bytes (standard input) as chunks of up to 1 MiB, read as the consumer asks.
/// Each read waits on a dispatch queue, not on a Swift concurrency thread, and a cancelled
/// task stops waiting within 100 ms even if no byte ever comes.
struct FileChunks: AsyncSequence, Sendable {
  typealias Element = Data
  let handle: FileHandle

  func makeAsyncIterator() -> Iterator { Iterator(fd: handle.fileDescriptor) }

  struct Iterator: AsyncIteratorProtocol {
    let fd: Int32

    func next() async throws -> Data? {
      let cancelled = CancelFlag()
      let fd = self.fd
      let data: Data = try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
          DispatchQueue.global().async {
            continuation.resume(with: Result { try Self.read(fd, cancelled: cancelled) })
          }
        }
      } onCancel: {
        cancelled.set()
      }
      return data.isEmpty ? nil : data
    }

    private static func read(_ fd: Int32, cancelled: CancelFlag) throws -> Data {
      var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      while !cancelled.isSet {
        let count = poll(&ready, 1, 100)
        if count > 0 { break }
        if count < 0, errno != EINTR {
          throw LakectlFailure("cannot read standard input: \(String(cString: strerror(errno)))")
        }
      }
      if cancelled.isSet { throw CancellationError() }
      var buffer = Data(count: 1 << 20)
      while true {
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if count >= 0 {
          buffer.count = count
          return buffer
        }
        if errno != EINTR {
          throw LakectlFailure("cannot read standard input: \(String(cString: strerror(errno)))")
        }
      }
    }
  }
}

/// A flag set once, read from any thread.
final class CancelFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false

  func set() {
    lock.lock()
    value = true
    lock.unlock()
  }

  var isSet: Bool {
    lock.lock()
    defer { lock.unlock() }
    return value
  }
}
