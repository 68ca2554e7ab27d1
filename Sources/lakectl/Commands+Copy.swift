import ArgumentParser
import Foundation
import LakeClient

struct Copy: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cp",
    abstract: "Copy between local files and objects, or between objects (on the service side).")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var transfer: TransferOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var output: OutputOptions
  @Flag(name: .shortAndLong, help: "Copy a folder or prefix and everything below it.")
  var recursive = false
  @Argument(help: "Local path, '-', or s3://BUCKET/KEY.") var source: String
  @Argument(
    help: "Local path, '-', or s3://BUCKET/KEY (a KEY or path ending in '/' keeps the name).")
  var destination: String

  func run() async throws {
    let client = try global.client()
    if recursive {
      let from = try Side(source)
      let to = try Side(destination)
      let entries = try await from.entries(client).filter { selection.selects($0.relative) }
      let actions = try entries.map { try BatchAction.copying($0, from: from, to: to) }
      try await BatchRunner(client: client, transfer: transfer, json: output.json, dryRun: false)
        .run(actions)
      return
    }
    switch (S3URI(source), S3URI(destination)) {
    case (nil, nil):
      throw ValidationError("one side of cp must be remote (s3://bucket/key)")
    case (nil, var target?):
      if target.key.isEmpty || target.key.hasSuffix("/") {
        guard source != "-" else { throw ValidationError("give a key to upload standard input to") }
        target.key += URL(fileURLWithPath: source).lastPathComponent
      }
      let result = try await upload(client, source: source, to: target, transfer: transfer)
      transfer.report("uploaded \(source) to \(target) (\(Terminal.size(result.size)))")
    case (let from?, nil):
      guard !from.key.isEmpty, !from.key.hasSuffix("/") else {
        throw ValidationError("'\(source)' names no object")
      }
      var target = destination
      var isDirectory: ObjCBool = false
      if target != "-",
        target.hasSuffix("/")
          || (FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory)
            && isDirectory.boolValue)
      {
        target = (target as NSString).appendingPathComponent(from.baseName)
      }
      let head = try await download(client, from: from, to: target, transfer: transfer)
      transfer.report(
        "downloaded \(from) to \(target) (\(Terminal.size(head.size)))",
        toStandardError: target == "-")
    case (let from?, var target?):
      if target.key.isEmpty || target.key.hasSuffix("/") { target.key += from.baseName }
      try await client.copyObject(
        from: (from.bucket, from.key), to: target.bucket, key: target.key)
      transfer.report("copied \(from) to \(target)")
    }
  }
}
