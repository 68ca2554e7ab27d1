import ArgumentParser
import Foundation
import LakeClient

struct Sync: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Make the destination folder or prefix hold what the source holds.",
    discussion: """
      Copies what is missing or differs: a different size, or the same size and a different \
      MD5 when the object's ETag is one (single-part uploads), else a source newer than the \
      destination. Downloads get the object's modification time, so a second sync copies \
      nothing. With --delete, removes what the source does not hold.
      """)

  @OptionGroup var global: GlobalOptions
  @OptionGroup var transfer: TransferOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var output: OutputOptions
  @Flag(help: "Delete destination files or objects the source does not hold.") var delete = false
  @Flag(help: "Print what would be done, do nothing.") var dryRun = false
  @Argument(help: "Local folder or s3://BUCKET/PREFIX.") var source: String
  @Argument(help: "Local folder or s3://BUCKET/PREFIX.") var destination: String

  func run() async throws {
    let client = try global.client()
    let actions = try await plan(client)
    try await BatchRunner(client: client, transfer: transfer, json: output.json, dryRun: dryRun)
      .run(actions)
  }

  func plan(_ client: LakeClient) async throws -> [BatchAction] {
    let from = try Side(source)
    let to = try Side(destination)
    let sources = try await from.entries(client).filter { selection.selects($0.relative) }
    let existing = try await to.entries(client).filter { selection.selects($0.relative) }
    let byPath = Dictionary(existing.map { ($0.relative, $0) }) { first, _ in first }
    var actions: [BatchAction] = []
    for entry in sources {
      if let present = byPath[entry.relative],
        try !differs(entry, from: from, present, in: to)
      {
        continue
      }
      actions.append(try BatchAction.copying(entry, from: from, to: to))
    }
    if delete {
      let wanted = Set(sources.map(\.relative))
      for entry in existing where !wanted.contains(entry.relative) {
        actions.append(to.deletion(entry.relative))
      }
    }
    return actions
  }

  /// Whether `source` must be copied over `target`.
  private func differs(_ source: Entry, from: Side, _ target: Entry, in to: Side) throws -> Bool {
    if source.size != target.size { return true }
    // The same size: compare contents by MD5 where one side is local and the other's ETag is
    // an MD5 (single-part); otherwise by time.
    switch (from, to) {
    case (.local(let root), .remote):
      if let etag = target.etag, !etag.contains("-") {
        return try Tree.md5(root + "/" + source.relative) != etag
      }
    case (.remote, .local(let root)):
      if let etag = source.etag, !etag.contains("-") {
        return try Tree.md5(root + "/" + target.relative) != etag
      }
    case (.remote, .remote):
      if let a = source.etag, let b = target.etag { return a != b }
    case (.local, .local):
      break
    }
    guard let newer = source.modified, let older = target.modified else { return true }
    return newer.timeIntervalSince(older) > 1
  }
}

extension BatchAction {
  /// The copy of `entry` from one side to the other (a remote side's key is already a folder
  /// key, see `Side`).
  static func copying(_ entry: Entry, from: Side, to: Side) throws -> BatchAction {
    switch (from, to) {
    case (.local(let root), .remote(let uri)):
      return .upload(
        local: root + "/" + entry.relative,
        to: S3URI(bucket: uri.bucket, key: uri.key + entry.relative), size: entry.size)
    case (.remote(let uri), .local(let root)):
      return .download(
        S3URI(bucket: uri.bucket, key: uri.key + entry.relative),
        to: root + "/" + entry.relative, size: entry.size, modified: entry.modified)
    case (.remote(let a), .remote(let b)):
      return .copy(
        S3URI(bucket: a.bucket, key: a.key + entry.relative),
        to: S3URI(bucket: b.bucket, key: b.key + entry.relative), size: entry.size)
    case (.local, .local):
      throw ValidationError("one side must be remote (s3://bucket/prefix)")
    }
  }
}

/// One side of a recursive command: a local folder or a remote prefix.
enum Side {
  case local(String)
  case remote(S3URI)

  init(_ text: String) throws {
    if let uri = S3URI(text) {
      guard !uri.bucket.isEmpty else { throw ValidationError("'\(text)' names no bucket") }
      self = .remote(S3URI(bucket: uri.bucket, key: Tree.folderKey(uri.key)))
    } else {
      var path = text
      while path.count > 1, path.hasSuffix("/") { path.removeLast() }
      self = .local(path)
    }
  }

  func entries(_ client: LakeClient) async throws -> [Entry] {
    switch self {
    case .local(let root):
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
        return []
      }
      guard isDirectory.boolValue else { throw LakectlFailure("\(root) is not a folder") }
      return try Tree.local(root)
    case .remote(let uri):
      return try await Tree.remote(client, uri)
    }
  }

  func deletion(_ relative: String) -> BatchAction {
    switch self {
    case .local(let root): return .deleteLocal(root + "/" + relative)
    case .remote(let uri): return .deleteRemote(S3URI(bucket: uri.bucket, key: uri.key + relative))
    }
  }
}
