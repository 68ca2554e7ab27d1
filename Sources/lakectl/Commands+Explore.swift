import ArgumentParser
import Foundation
import LakeClient

#if canImport(Glibc)
  import Glibc
#endif

struct TreeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tree", abstract: "Show the keys under a prefix as a tree of folders.")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var output: OutputOptions
  @Flag(name: .shortAndLong, help: "Show each object's size.") var long = false
  @Option(name: .shortAndLong, help: "Show folders only down to this depth.") var depth: Int?
  @Argument(help: "s3://BUCKET[/PREFIX]") var location: String

  func run() async throws {
    let uri = try remote(location)
    let root = Tree.folderKey(uri.key)
    if !output.json { print(uri.description) }
    var open: [Substring] = []
    for try await object in try global.client().list(bucket: uri.bucket, prefix: root) {
      if output.json {
        let depth = object.key.dropFirst(root.count).filter { $0 == "/" }.count
        Terminal.json([
          "key": object.key, "size": object.size, "depth": depth,
          "modified": Terminal.isoDate(object.lastModified),
        ])
        continue
      }
      let parts = object.key.dropFirst(root.count).split(
        separator: "/", omittingEmptySubsequences: false)
      let folders = parts.dropLast()
      var shared = 0
      while shared < min(open.count, folders.count),
        open[shared] == folders[folders.startIndex + shared]
      {
        shared += 1
      }
      open.removeSubrange(shared...)
      for folder in folders.dropFirst(shared) {
        if let depth, open.count >= depth { break }
        print(String(repeating: "  ", count: open.count) + folder + "/")
        open.append(folder)
      }
      if depth.map({ folders.count >= $0 }) ?? false { continue }
      let name = String(parts.last ?? "")
      print(
        String(repeating: "  ", count: open.count) + name
          + (long ? "  (\(Terminal.size(object.size)))" : ""))
    }
  }
}

struct DiskUsage: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "du", abstract: "Total size and object count under a prefix (or per sub-prefix).")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var output: OutputOptions
  @Option(
    name: .shortAndLong, help: "Also total each prefix this many levels down (0: only the total).")
  var depth = 0
  @Argument(help: "s3://BUCKET[/PREFIX]") var location: String

  func run() async throws {
    let uri = try remote(location)
    let root = Tree.folderKey(uri.key)
    var groups: [String: (count: Int, bytes: Int64)] = [:]
    var total = (count: 0, bytes: Int64(0))
    for try await object in try global.client().list(bucket: uri.bucket, prefix: root) {
      total.count += 1
      total.bytes += object.size
      guard depth > 0 else { continue }
      let parts = object.key.dropFirst(root.count).split(
        separator: "/", omittingEmptySubsequences: false)
      guard parts.count > 1 else { continue }
      let group = root + parts.prefix(min(depth, parts.count - 1)).joined(separator: "/") + "/"
      groups[group, default: (0, 0)].count += 1
      groups[group, default: (0, 0)].bytes += object.size
    }
    var rows = groups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    rows.append((root, total))
    for (prefix, value) in rows {
      let name = "s3://\(uri.bucket)/\(prefix)"
      if output.json {
        Terminal.json(["prefix": name, "objects": value.count, "bytes": value.bytes])
      }
    }
    if !output.json {
      Terminal.table(
        rows.map {
          [Terminal.size($0.1.bytes), "\($0.1.count) objects", "s3://\(uri.bucket)/\($0.0)"]
        },
        rightAligned: [0, 1])
    }
  }
}

struct Find: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "find", abstract: "List objects under a prefix by name glob, size and age.",
    discussion: "Sizes like 10M; ages like 30s, 15m, 2h, 7d. All conditions must hold.")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var output: OutputOptions
  @Option(help: "Glob on the last path segment (fnmatch), such as '*.parquet'.") var name: String?
  @Option(help: "Glob on the key below the prefix, such as 'year=2024/*'.") var path: String?
  @Option(help: "Larger than this size.") var larger: String?
  @Option(help: "Smaller than this size.") var smaller: String?
  @Option(help: "Modified less than this long ago.") var newer: String?
  @Option(help: "Modified more than this long ago.") var older: String?
  @Argument(help: "s3://BUCKET[/PREFIX]") var location: String

  func validate() throws {
    for (flag, value) in [("--larger", larger), ("--smaller", smaller)] {
      if let value, ByteSize.parse(value) == nil {
        throw ValidationError("\(flag): '\(value)' is not a size")
      }
    }
    for (flag, value) in [("--newer", newer), ("--older", older)] {
      if let value, Age.parse(value) == nil {
        throw ValidationError("\(flag): '\(value)' is not an age such as 7d")
      }
    }
  }

  func run() async throws {
    let uri = try remote(location)
    let root = Tree.folderKey(uri.key)
    let now = Date()
    let minSize = larger.flatMap(ByteSize.parse)
    let maxSize = smaller.flatMap(ByteSize.parse)
    let newest = older.flatMap(Age.parse).map { now.addingTimeInterval(-$0) }
    let oldest = newer.flatMap(Age.parse).map { now.addingTimeInterval(-$0) }
    for try await object in try global.client().list(bucket: uri.bucket, prefix: root) {
      let relative = String(object.key.dropFirst(root.count))
      let last = String(relative.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
      if let name, fnmatch(name, last, 0) != 0 { continue }
      if let path, fnmatch(path, relative, 0) != 0 { continue }
      if let minSize, object.size <= minSize { continue }
      if let maxSize, object.size >= maxSize { continue }
      if let newest, object.lastModified > newest { continue }
      if let oldest, object.lastModified < oldest { continue }
      if output.json {
        Terminal.json([
          "key": object.key, "size": object.size, "etag": object.etag,
          "modified": Terminal.isoDate(object.lastModified),
        ])
      } else {
        print("s3://\(uri.bucket)/\(object.key)")
      }
    }
  }
}

/// Ages on the command line: `90s`, `15m`, `2h`, `7d`, `2w`.
enum Age {
  static func parse(_ text: String) -> TimeInterval? {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
    guard let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()),
      value >= 0
    else { return nil }
    return value * scale
  }
}
