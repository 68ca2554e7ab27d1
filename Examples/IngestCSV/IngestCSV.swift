// An example ingestion job built on LakeClient: reads a CSV file with a date column and
// writes it into LakeStore as Hive-partitioned CSV files,
//
//   DATASET/year=YYYY/month=MM/part-NNNNN-SOURCE.csv
//
// each with a conditional PUT (If-None-Match: *). Part names depend only on the input, so a
// rerun after a crash or kill -9 writes exactly the parts that are missing: a part already
// stored answers PreconditionFailed and is counted as done, never overwritten.
//
//   lake-ingest-example SOURCE.csv s3://BUCKET/DATASET [--date-column NAME] [--rows-per-part N]
//
// Settings come from the environment or the profile file, as for lakectl.

import Foundation
import LakeClient

struct Arguments {
  var source = ""
  var bucket = ""
  var dataset = ""
  var dateColumn = "date"
  var rowsPerPart = 100_000

  init(_ arguments: [String]) throws {
    var positional: [String] = []
    var index = 0
    while index < arguments.count {
      switch arguments[index] {
      case "--date-column":
        index += 1
        dateColumn = index < arguments.count ? arguments[index] : ""
      case "--rows-per-part":
        index += 1
        rowsPerPart = index < arguments.count ? Int(arguments[index]) ?? 0 : 0
      default:
        positional.append(arguments[index])
      }
      index += 1
    }
    guard positional.count == 2, positional[1].hasPrefix("s3://"), rowsPerPart > 0,
      !dateColumn.isEmpty
    else {
      throw Usage()
    }
    source = positional[0]
    let target = positional[1].dropFirst(5).split(separator: "/", maxSplits: 1)
    bucket = String(target.first ?? "")
    dataset = target.count > 1 ? String(target[1]).trimmingCharacters(in: ["/"]) : ""
    guard !bucket.isEmpty, !dataset.isEmpty else { throw Usage() }
  }

  struct Usage: Error {}
}

/// Rows of one partition waiting to be written.
struct Partition {
  var rows: [String] = []
  var parts = 0
}

@main
enum IngestCSV {
  static func main() async {
    let arguments: Arguments
    do {
      arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    } catch {
      FileHandle.standardError.write(
        Data(
          "usage: lake-ingest-example SOURCE.csv s3://BUCKET/DATASET [--date-column NAME] [--rows-per-part N]\n"
            .utf8))
      exit(2)
    }
    do {
      let lake = LakeClient(configuration: try LakeClientConfiguration.resolve())
      let (written, skipped) = try await ingest(arguments, lake: lake)
      print("wrote \(written) parts, \(skipped) already stored")
    } catch {
      FileHandle.standardError.write(Data("lake-ingest-example: \(error)\n".utf8))
      exit(1)
    }
  }

  static func ingest(_ arguments: Arguments, lake: LakeClient) async throws -> (Int, Int) {
    guard let file = FileHandle(forReadingAtPath: arguments.source) else {
      throw LakeClientError(.local, code: "FileError", message: "cannot read \(arguments.source)")
    }
    defer { try? file.close() }
    var lines = LineReader(file)
    guard let header = try lines.next() else { return (0, 0) }
    guard
      let dateIndex = header.split(separator: ",").firstIndex(where: {
        $0 == arguments.dateColumn
      })
    else {
      throw LakeClientError(
        .local, code: "BadInput", message: "no column '\(arguments.dateColumn)' in \(header)")
    }
    let writer = PartWriter(
      lake: lake, arguments: arguments, header: header,
      sourceName: URL(fileURLWithPath: arguments.source).deletingPathExtension().lastPathComponent)
    while let line = try lines.next() {
      if line.isEmpty { continue }
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard dateIndex < fields.count, fields[dateIndex].count >= 7 else {
        throw LakeClientError(.local, code: "BadInput", message: "no date in line: \(line)")
      }
      let date = fields[dateIndex]
      try await writer.add(line, to: "year=\(date.prefix(4))/month=\(date.dropFirst(5).prefix(2))")
    }
    try await writer.flushAll()
    return (writer.written, writer.skipped)
  }
}

/// Gathers rows per partition and writes each full part with a conditional PUT.
final class PartWriter {
  let lake: LakeClient
  let arguments: Arguments
  let header: String
  let sourceName: String
  var partitions: [String: Partition] = [:]
  var written = 0
  var skipped = 0

  init(lake: LakeClient, arguments: Arguments, header: String, sourceName: String) {
    self.lake = lake
    self.arguments = arguments
    self.header = header
    self.sourceName = sourceName
  }

  func add(_ line: String, to partition: String) async throws {
    partitions[partition, default: Partition()].rows.append(line)
    if partitions[partition]!.rows.count >= arguments.rowsPerPart { try await flush(partition) }
  }

  /// PUTs `body` unless the key exists; false when an earlier run stored it.
  func store(_ body: Data, at key: String) async throws -> Bool {
    do {
      try await lake.putObject(
        bucket: arguments.bucket, key: key, data: body,
        options: PutOptions(contentType: "text/csv", ifNoneMatch: "*"))
      return true
    } catch {
      if error.isCode("PreconditionFailed") { return false }
      throw error
    }
  }

  func flushAll() async throws {
    for partition in partitions.keys.sorted() { try await flush(partition) }
  }

  /// Writes the partition's gathered rows as its next part. The name depends only on the
  /// input, so a part an earlier run stored answers PreconditionFailed: counted, not rewritten.
  func flush(_ key: String) async throws {
    guard var partition = partitions[key], !partition.rows.isEmpty else { return }
    let name = String(format: "part-%05d-%@.csv", partition.parts, sourceName)
    let body = Data((([header] + partition.rows).joined(separator: "\n") + "\n").utf8)
    if try await store(body, at: "\(arguments.dataset)/\(key)/\(name)") {
      written += 1
    } else {
      skipped += 1
    }
    partition.rows.removeAll(keepingCapacity: true)
    partition.parts += 1
    partitions[key] = partition
  }
}

/// Lines of a file, read 64 KiB at a time.
struct LineReader {
  let file: FileHandle
  var buffer = Data()
  var ended = false

  init(_ file: FileHandle) { self.file = file }

  mutating func next() throws -> String? {
    while true {
      if let newline = buffer.firstIndex(of: 0x0A) {
        let line = buffer[buffer.startIndex..<newline]
        buffer.removeSubrange(buffer.startIndex...newline)
        return String(decoding: line, as: UTF8.self).trimmingCharacters(in: ["\r"])
      }
      if ended {
        guard !buffer.isEmpty else { return nil }
        defer { buffer.removeAll() }
        return String(decoding: buffer, as: UTF8.self)
      }
      let chunk = try file.read(upToCount: 1 << 16) ?? Data()
      if chunk.isEmpty { ended = true } else { buffer.append(chunk) }
    }
  }
}
