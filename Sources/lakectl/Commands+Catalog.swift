import ArgumentParser
import Foundation
import LakeClient
import LakeQuery

/// `lakectl query s3://BUCKET/DATASET --where "..."`: the files a catalog query matches.
struct Query: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the files of a dataset (or a prefix) that a catalog query matches.",
    discussion: """
      The filter language is described in Docs/catalog.md: partition values, built-in fields
      (size, modified, format, rows...), user metadata (meta.NAME) and column statistics
      (amount > 100 keeps the files whose max(amount) > 100). LakeStore servers only.
      """)

  @OptionGroup var global: GlobalOptions
  @OptionGroup var output: OutputOptions
  @Option(name: .customLong("where"), help: "The filter, e.g. \"year=2024 AND month>=05\".")
  var filter: String?
  @Option(help: "Result order: key (default), size, modified, rows, ... with asc or desc.")
  var order: String?
  @Flag(help: "Treat the path as a key prefix instead of a dataset.") var prefix = false
  @Flag(help: "Include each file's columns and statistics (with --json).") var columns = false
  @Option(help: "Stop after this many files.") var limit: Int?
  @Argument(help: "s3://BUCKET/DATASET (or s3://BUCKET for the whole bucket)") var location: String

  func run() async throws {
    let uri = try remote(location)
    var query = try Self.query(uri, prefix: prefix, filter: filter)
    if let order {
      query.order = try Self.parsed(order) { (text) throws(LakeQuerySyntaxError) in
        try LakeOrder.parse(text)
      }
    }
    let client = try global.client()
    var rows: [[String]] = []
    var count = 0
    for try await file in client.query(
      bucket: uri.bucket, query, pageSize: min(limit ?? 1000, 1000), columns: columns)
    {
      if output.json {
        Terminal.jsonLine(file)
      } else {
        rows.append([
          file.modified.map { String($0.prefix(19)) } ?? "", String(file.size), file.format,
          file.rows.map(String.init) ?? "-", "s3://\(uri.bucket)/\(file.key)",
        ])
      }
      count += 1
      if let limit, count >= limit { break }
    }
    if !output.json { Terminal.table(rows, rightAligned: [1, 3]) }
  }

  /// The query of `uri`'s dataset (or, with `prefix`, its key prefix; the whole bucket when
  /// the URI names none) and the filter text.
  static func query(_ uri: S3URI, prefix: Bool, filter: String?) throws -> LakeQuery {
    var query = LakeQuery()
    if prefix {
      query.prefix = uri.key
    } else if !uri.key.isEmpty {
      query.dataset = dataset(uri.key)
    }
    if let filter {
      query.filter = try parsed(filter) { (text) throws(LakeQuerySyntaxError) in
        try LakeFilter(parsing: text)
      }
    }
    return query
  }

  /// `parse(text)`, a syntax error shown with a caret under the offending token.
  static func parsed<Value>(
    _ text: String, _ parse: (String) throws(LakeQuerySyntaxError) -> Value
  ) throws -> Value {
    let result = Result { () throws(LakeQuerySyntaxError) in try parse(text) }
    switch result {
    case .success(let value): return value
    case .failure(let error):
      throw ValidationError("\(error.description)\n\(error.annotated(text))")
    }
  }

  /// A dataset path as the catalog names it: no trailing `/`.
  static func dataset(_ path: String) -> String {
    var path = path
    while path.hasSuffix("/") { path.removeLast() }
    return path
  }
}

/// `lakectl datasets s3://BUCKET`.
struct Datasets: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List a bucket's datasets: files, bytes, rows and partition columns.")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "s3://BUCKET") var bucket: String

  func run() async throws {
    let uri = try remote(bucket)
    let datasets = try await global.client().datasets(in: uri.bucket)
    if output.json {
      for dataset in datasets { Terminal.jsonLine(dataset) }
      return
    }
    Terminal.table(
      [["DATASET", "FILES", "BYTES", "ROWS", "PARTITIONS"]]
        + datasets.map { dataset in
          [
            dataset.name.isEmpty ? "(root)" : dataset.name, String(dataset.files),
            String(dataset.bytes), String(dataset.rows),
            dataset.partitions.map { "\($0.name):\($0.type)" }.joined(separator: " "),
          ]
        }, rightAligned: [1, 2, 3])
  }
}

/// `lakectl changes s3://BUCKET --since N [--follow]`.
struct Changes: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print a bucket's changes (puts and deletes) after a sequence number.",
    discussion: """
      Each line has the change's sequence number; pass the last one handled to --since to
      resume there, so every change is seen exactly once. --follow waits for new changes
      until interrupted.
      """)

  @OptionGroup var global: GlobalOptions
  @OptionGroup var output: OutputOptions
  @Option(help: "Print the changes after this sequence number (default 0: all).")
  var since: Int64 = 0
  @Flag(help: "Keep waiting for new changes.") var follow = false
  @Argument(help: "s3://BUCKET") var bucket: String

  func run() async throws {
    let uri = try remote(bucket)
    let client = try global.client()
    for try await change in client.changes(bucket: uri.bucket, after: since, follow: follow) {
      if output.json {
        Terminal.jsonLine(change)
      } else {
        print("\(change.sequence)\t\(change.time)\t\(change.op)\t\(change.key)")
      }
    }
  }
}

extension Terminal {
  /// Prints one Encodable value as a JSON line (keys sorted).
  static func jsonLine<Value: Encodable>(_ value: Value) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return }
    FileHandle.standardOutput.write(data + Data("\n".utf8))
  }
}
