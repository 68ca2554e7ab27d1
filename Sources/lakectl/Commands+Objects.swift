import ArgumentParser
import Foundation
import LakeClient
import LakeS3

struct Put: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "put",
    abstract: "Upload a local file (or '-' for standard input) to s3://BUCKET/KEY.")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var transfer: TransferOptions
  @Argument(help: "Local file, or '-' for standard input.") var source: String
  @Argument(help: "s3://BUCKET/KEY (a KEY ending in '/' gets the file's name).") var destination:
    String

  func run() async throws {
    var uri = try remote(destination)
    if uri.key.isEmpty || uri.key.hasSuffix("/") {
      guard source != "-" else { throw ValidationError("give a key to upload standard input to") }
      uri.key += URL(fileURLWithPath: source).lastPathComponent
    }
    let client = try global.client()
    let result = try await upload(client, source: source, to: uri, transfer: transfer)
    transfer.report("uploaded \(source) to \(uri) (\(Terminal.size(result.size)))")
  }
}

struct Get: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "get",
    abstract: "Download s3://BUCKET/KEY to a local file (or '-' for standard output).")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var transfer: TransferOptions
  @Argument(help: "s3://BUCKET/KEY") var source: String
  @Argument(help: "Local file or directory, or '-' (default: the key's name here).")
  var destination: String?

  func run() async throws {
    let uri = try remote(source)
    guard !uri.key.isEmpty, !uri.key.hasSuffix("/") else {
      throw ValidationError("'\(source)' names no object; use 'cp --recursive' for a prefix")
    }
    let client = try global.client()
    var target = destination ?? uri.baseName
    if target != "-" {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory),
        isDirectory.boolValue
      {
        target = (target as NSString).appendingPathComponent(uri.baseName)
      }
    }
    let head = try await download(client, from: uri, to: target, transfer: transfer)
    transfer.report(
      "downloaded \(uri) to \(target) (\(Terminal.size(head.size)))", toStandardError: target == "-"
    )
  }
}

struct Cat: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cat", abstract: "Write objects to standard output.")

  @OptionGroup var global: GlobalOptions
  @Argument(help: "s3://BUCKET/KEY ...") var sources: [String]

  func run() async throws {
    let client = try global.client()
    for source in sources {
      let uri = try remote(source)
      try await writeObject(client, uri, to: FileHandle.standardOutput)
    }
  }
}

struct Remove: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm", abstract: "Delete objects (with --recursive, everything under a prefix).")

  @OptionGroup var global: GlobalOptions
  @Flag(name: .shortAndLong, help: "Delete every object under each prefix (1,000 per request).")
  var recursive = false
  @Argument(help: "s3://BUCKET/KEY ...") var targets: [String]

  func run() async throws {
    let client = try global.client()
    for target in targets {
      let uri = try remote(target)
      if recursive {
        let count = try await deleteAll(client, bucket: uri.bucket, prefix: uri.key)
        print("deleted \(count) objects under \(uri)")
      } else {
        guard !uri.key.isEmpty else {
          throw ValidationError("'\(target)' names no object; use --recursive")
        }
        try await client.deleteObject(bucket: uri.bucket, key: uri.key)
        print("deleted \(uri)")
      }
    }
  }
}

struct Stat: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stat",
    abstract: "Show an object's size, ETag, date, type, metadata and checksums.")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "s3://BUCKET/KEY ...") var targets: [String]

  func run() async throws {
    let client = try global.client()
    for target in targets {
      let uri = try remote(target)
      let head = try await client.headObject(bucket: uri.bucket, key: uri.key)
      let checksums = Dictionary(
        uniqueKeysWithValues: head.checksums.map { ($0.key.rawValue, $0.value) })
      if output.json {
        Terminal.json([
          "key": uri.key, "bucket": uri.bucket, "size": head.size, "etag": head.etag,
          "modified": Terminal.isoDate(head.lastModified), "content_type": head.contentType,
          "metadata": head.metadata, "checksums": checksums, "checksum_type": head.checksumType,
        ])
      } else {
        var rows = [
          ["Name:", uri.description],
          ["Size:", "\(Terminal.size(head.size)) (\(head.size) bytes)"],
          ["ETag:", head.etag], ["Modified:", Terminal.date(head.lastModified)],
          ["Type:", head.contentType ?? "-"],
        ]
        for (name, value) in head.metadata.sorted(by: { $0.key < $1.key }) {
          rows.append(["Metadata:", "\(name)=\(value)"])
        }
        for (name, value) in checksums.sorted(by: { $0.key < $1.key }) {
          rows.append([
            "Checksum:", "\(name) \(value)" + (head.checksumType.map { " (\($0))" } ?? ""),
          ])
        }
        Terminal.table(rows)
      }
    }
  }
}

struct Presign: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "presign", abstract: "Print a URL that gives access to an object without keys.")

  @OptionGroup var global: GlobalOptions
  @Option(help: "Seconds the URL stays valid (1 to 604800).") var expires = 3600
  @Option(help: "GET (download) or PUT (upload).") var method = "GET"
  @Argument(help: "s3://BUCKET/KEY") var target: String

  func validate() throws {
    guard ["GET", "PUT", "HEAD", "DELETE"].contains(method.uppercased()) else {
      throw ValidationError("--method must be GET, PUT, HEAD or DELETE")
    }
  }

  func run() async throws {
    let uri = try remote(target)
    let url = try global.client().presignedURL(
      method.uppercased(), bucket: uri.bucket, key: uri.key, expires: expires)
    print(url.absoluteString)
  }
}
