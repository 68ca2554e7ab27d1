import Foundation
import LakeClient

#if canImport(Glibc)
  import Glibc
#endif

/// One step of a recursive copy or a sync.
enum BatchAction: Sendable {
  case upload(local: String, to: S3URI, size: Int64)
  case download(S3URI, to: String, size: Int64, modified: Date?)
  case copy(S3URI, to: S3URI, size: Int64)
  case deleteRemote(S3URI)
  case deleteLocal(String)

  var size: Int64 {
    switch self {
    case .upload(_, _, let size), .download(_, _, let size, _), .copy(_, _, let size): return size
    case .deleteRemote, .deleteLocal: return 0
    }
  }

  /// The line printed for it, as aws cli prints them (`upload: a.csv to s3://b/a.csv`).
  var line: String {
    switch self {
    case .upload(let local, let uri, _): return "upload: \(local) to \(uri)"
    case .download(let uri, let local, _, _): return "download: \(uri) to \(local)"
    case .copy(let from, let to, _): return "copy: \(from) to \(to)"
    case .deleteRemote(let uri): return "delete: \(uri)"
    case .deleteLocal(let path): return "delete: \(path)"
    }
  }

  var json: [String: Any?] {
    switch self {
    case .upload(let local, let uri, let size):
      return ["action": "upload", "source": local, "destination": uri.description, "size": size]
    case .download(let uri, let local, let size, _):
      return ["action": "download", "source": uri.description, "destination": local, "size": size]
    case .copy(let from, let to, let size):
      return [
        "action": "copy", "source": from.description, "destination": to.description, "size": size,
      ]
    case .deleteRemote(let uri): return ["action": "delete", "destination": uri.description]
    case .deleteLocal(let path): return ["action": "delete", "destination": path]
    }
  }
}

/// Carries out a list of actions with `jobs` at once; remote deletions go 1,000 per request.
struct BatchRunner {
  let client: LakeClient
  let transfer: TransferOptions
  let json: Bool
  let dryRun: Bool

  func run(_ actions: [BatchAction]) async throws {
    let (json, dryRun, quiet) = (self.json, self.dryRun, transfer.quiet)
    let report: @Sendable (BatchAction) -> Void = { action in
      if json {
        Terminal.json(action.json.merging(["dry_run": dryRun ? true : nil]) { $1 })
      } else if !quiet {
        print((dryRun ? "(dry run) " : "") + action.line)
      }
    }
    if dryRun {
      for action in actions { report(action) }
      return
    }
    var deletions: [String: [S3URI]] = [:]
    var work: [BatchAction] = []
    for action in actions {
      if case .deleteRemote(let uri) = action {
        deletions[uri.bucket, default: []].append(uri)
      } else {
        work.append(action)
      }
    }
    let client = transfer.tuned(client, files: true)
    let options = transfer.putOptions
    let progress = BatchProgress(
      files: work.count, bytes: work.reduce(0) { $0 + $1.size },
      enabled: !transfer.quiet && !json && Terminal.stderrIsTerminal)
    defer { progress.finish() }
    let folders = Folders()
    try await Parallel.forEach(work, limit: client.configuration.parallelism) { action in
      switch action {
      case .upload(let local, let uri, _):
        try await client.putObject(
          bucket: uri.bucket, key: uri.key, file: URL(fileURLWithPath: local), options: options)
      case .download(let uri, let local, _, let modified):
        try folders.create((local as NSString).deletingLastPathComponent)
        try await client.download(bucket: uri.bucket, key: uri.key, to: URL(fileURLWithPath: local))
        if let modified { Self.setModified(local, modified) }
      case .copy(let from, let to, _):
        try await client.copyObject(from: (from.bucket, from.key), to: to.bucket, key: to.key)
      case .deleteLocal(let path):
        try FileManager.default.removeItem(atPath: path)
      case .deleteRemote:
        break
      }
      report(action)
      progress.done(action.size)
    }
    for (bucket, uris) in deletions.sorted(by: { $0.key < $1.key }) {
      let failures = try await client.deleteObjects(bucket: bucket, keys: uris.map(\.key))
      if !failures.isEmpty { throw LakectlFailure(bucket: bucket, undeleted: failures) }
      for uri in uris { report(.deleteRemote(uri)) }
    }
  }

  /// Gives a downloaded file the object's modification time, so a later sync compares equal.
  static func setModified(_ path: String, _ date: Date) {
    let seconds = date.timeIntervalSince1970
    let time = timespec(
      tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var times = [time, time]
    _ = utimensat(AT_FDCWD, path, &times, 0)
  }
}

/// Local folders a batch of downloads has made, so each is created (and stat'ed) once.
final class Folders: @unchecked Sendable {
  private let lock = NSLock()
  private var made: Set<String> = []

  /// Creates `path` and its parents unless this batch already did; "" is the current folder.
  func create(_ path: String) throws {
    guard !path.isEmpty else { return }
    lock.lock()
    let known = made.contains(path)
    lock.unlock()
    if known { return }
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    lock.lock()
    made.insert(path)
    lock.unlock()
  }
}
