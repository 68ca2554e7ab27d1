import ArgumentParser
import Foundation
import LakeClient
import LakeQuery

/// `lakectl partitions s3://BUCKET/DATASET`.
struct Partitions: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List a dataset's partition columns and their distinct values.",
    discussion: """
      Each value with the files and bytes that have it, in the column's order (numbers and \
      dates by value). LakeStore servers only.
      """)

  @OptionGroup var global: GlobalOptions
  @OptionGroup var output: OutputOptions
  @Option(help: "Only this partition column.") var column: String?
  @Argument(help: "s3://BUCKET/DATASET") var location: String

  func run() async throws {
    let uri = try remote(location)
    let columns = try await global.client().partitions(
      bucket: uri.bucket, dataset: Query.dataset(uri.key), column: column)
    if output.json {
      for column in columns { Terminal.jsonLine(column) }
      return
    }
    var rows = [["COLUMN", "TYPE", "VALUE", "FILES", "BYTES"]]
    for column in columns {
      for value in column.values {
        rows.append([
          column.name, column.type, value.value ?? "(null)", String(value.files),
          String(value.bytes),
        ])
      }
    }
    Terminal.table(rows, rightAligned: [3, 4])
  }
}

/// `lakectl schema s3://BUCKET/DATASET`.
struct Schema: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show a dataset's merged schema and any schema drift between its files.",
    discussion: """
      Every column any structured file of the dataset has, with its type and how many files \
      have it; when files disagree (schema drift), each type with its files, and the exit \
      status is still 0. LakeStore servers only.
      """)

  @OptionGroup var global: GlobalOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "s3://BUCKET/DATASET") var location: String

  func run() async throws {
    let uri = try remote(location)
    let schema = try await global.client().schema(
      bucket: uri.bucket, dataset: Query.dataset(uri.key))
    if output.json {
      Terminal.jsonLine(schema)
      return
    }
    Terminal.table(
      [["COLUMN", "TYPE", "FILES", "DRIFT"]]
        + schema.columns.map { column in
          [
            column.name, column.type, "\(column.files)/\(schema.files)",
            column.types.map { types in
              types.map { "\($0.type):\($0.files)" }.joined(separator: " ")
            } ?? (column.files < schema.files ? "missing in \(schema.files - column.files)" : ""),
          ]
        }, rightAligned: [2])
    if schema.drift {
      print("schema drift: \(schema.schemas.count) schemas over \(schema.files) files")
    }
  }
}

/// `lakectl manifest s3://BUCKET/DATASET --format jsonl|csv`.
struct Manifest: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write the manifest of a dataset (or a query's files) as JSON lines or CSV.",
    discussion: """
      One line per file: key, size, ETag, modification time, format, row count, partition \
      values and column statistics (min, max, nulls), for Spark, Trino or DuckDB. With a \
      dataset, CSV has a column per partition column and per statistic; with --prefix they \
      are JSON cells. LakeStore servers only.
      """)

  @OptionGroup var global: GlobalOptions
  @Option(help: "jsonl (default) or csv.") var format: String = "jsonl"
  @Option(name: .customLong("where"), help: "Only the files this filter matches.")
  var filter: String?
  @Flag(help: "Treat the path as a key prefix instead of a dataset.") var prefix = false
  @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
  var output: String?
  @Argument(help: "s3://BUCKET/DATASET") var location: String

  func run() async throws {
    guard let format = LakeManifestFormat(rawValue: format) else {
      throw ValidationError("--format must be jsonl or csv")
    }
    let uri = try remote(location)
    let query = try Query.query(uri, prefix: prefix, filter: filter)
    let handle: FileHandle
    if let output {
      guard FileManager.default.createFile(atPath: output, contents: nil) else {
        throw ValidationError("cannot create \(output)")
      }
      handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    } else {
      handle = FileHandle.standardOutput
    }
    let files = try await global.client().manifest(bucket: uri.bucket, query, format: format) {
      try handle.write(contentsOf: $0)
    }
    if output != nil {
      try handle.close()
      FileHandle.standardError.write(Data("\(files) files written to \(output ?? "")\n".utf8))
    }
  }
}

/// `lakectl ducklake s3://BUCKET -o FILE`.
struct DuckLake: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ducklake",
    abstract: "Save a copy of a bucket's DuckLake catalog (SQLite) for DuckDB elsewhere.",
    discussion: """
      The copy is consistent (the server's live file as of the request). Attach it with \
      ATTACH 'ducklake:sqlite:FILE' AS lake (READ_ONLY, DATA_PATH 's3://BUCKET/', \
      OVERRIDE_DATA_PATH true) and an S3 secret for this server (Docs/catalog.md). \
      LakeStore servers only.
      """)

  @OptionGroup var global: GlobalOptions
  @Option(name: .shortAndLong, help: "The file to write.") var output: String
  @Argument(help: "s3://BUCKET") var bucket: String

  func run() async throws {
    let uri = try remote(bucket)
    try await global.client().duckLake(bucket: uri.bucket, to: URL(fileURLWithPath: output))
  }
}
