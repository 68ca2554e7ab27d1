import ArgumentParser
import Foundation
import Glibc
import LakeQuery

/// Measures the indexer's statistics extraction on real files, as `FileExaminer` does it (a
/// `FormatGuess` from the first 8 KiB, then CSV, TSV and JSON lines scanned in 1 MiB reads,
/// gzip inflated on the way, Parquet from its tail and footer alone), beside a plain `pread`
/// of the same file in 1 MiB reads in the same run. Figures are MB/s of the file's bytes on
/// disk (1 MB = 10^6 bytes), best of several rounds, on one core.
///
/// Nothing is dropped from the page cache: both sides read cached pages, so the ratio is the
/// CPU cost of extraction against copying the bytes out of the cache, not against a disk.
struct ExtractCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "extract",
    abstract: "MB/s of statistics extraction (CSV, TSV, JSON lines, gzip, Parquet) vs pread."
  )

  @Argument(help: "Files, or directories whose files (not subdirectories) are measured.")
  var paths: [String]

  @Option(help: "Rounds per file and side; the best is reported.")
  var rounds = 3

  @Option(help: "Each round repeats its work for at least this many milliseconds.")
  var minMilliseconds = 200

  func validate() throws {
    guard rounds > 0, minMilliseconds >= 0 else {
      throw ValidationError("--rounds must be positive and --min-milliseconds not negative")
    }
    guard !paths.isEmpty else { throw ValidationError("give at least one file or directory") }
  }

  func run() throws {
    let files = try expand(paths)
    print(
      "extract: \(files.count) files, best of \(rounds) rounds, one core; page cache warm for "
        + "both sides (CPU-bound)")
    print(
      pad("kind", 10) + pad("MiB", 9, right: true) + pad("read MB/s", 11, right: true)
        + pad("extract MB/s", 14, right: true) + pad("x read", 9, right: true)
        + pad("rows", 11, right: true) + pad("cols", 5, right: true) + "  file")
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    var failed = false
    for path in files {
      let descriptor = open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else {
        print("error: \(path): \(String(cString: strerror(errno)))")
        failed = true
        continue
      }
      defer { close(descriptor) }
      var info = stat()
      guard fstat(descriptor, &info) == 0 else { continue }
      let file = BenchFile(path: path, descriptor: descriptor, size: Int64(info.st_size))
      let readSeconds = best { file.readAll(into: buffer) }
      var outcome: Extraction = .skipped("")
      let extractSeconds = best {
        outcome = file.extract(buffer: buffer)
        if case .extracted(_, let rows, let columns, _) = outcome { return rows + Int64(columns) }
        return 0
      }
      let readRate = Double(file.size) / readSeconds / 1e6
      let extractRate = Double(file.size) / extractSeconds / 1e6
      switch outcome {
      case .extracted(let kind, let rows, let columns, let inflated):
        var line =
          pad(kind, 10) + pad(number(Double(file.size) / 1_048_576, 1), 9, right: true)
          + pad(number(readRate, 1), 11, right: true) + pad(number(extractRate, 1), 14, right: true)
          + pad(number(extractRate / readRate, 3), 9, right: true)
          + pad(String(rows), 11, right: true) + pad(String(columns), 5, right: true) + "  "
          + path
        if let inflated {
          line +=
            " (inflated \(number(Double(inflated) / 1_048_576, 1)) MiB at "
            + "\(number(Double(inflated) / extractSeconds / 1e6, 1)) MB/s)"
        }
        print(line)
      case .skipped(let reason):
        print("skipped \(path): \(reason)")
      case .failed(let reason):
        print("error: \(path): \(reason)")
        failed = true
      }
    }
    if failed { throw ExitCode(1) }
  }

  /// The files named, directories expanded to their regular files in name order.
  private func expand(_ paths: [String]) throws -> [String] {
    var files: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw ValidationError("\(path) does not exist")
      }
      guard isDirectory.boolValue else {
        files.append(path)
        continue
      }
      for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() {
        let child = (path as NSString).appendingPathComponent(name)
        var childIsDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: child, isDirectory: &childIsDirectory),
          !childIsDirectory.boolValue
        {
          files.append(child)
        }
      }
    }
    return files
  }

  /// The shortest time one run of `body` takes, in seconds: each round repeats it for at
  /// least `minMilliseconds`; `body`'s results are kept alive.
  private func best(_ body: () -> Int64) -> Double {
    var shortest = Double.infinity
    var sink: Int64 = 0
    let minimum = Duration.milliseconds(minMilliseconds)
    for _ in 0..<rounds {
      let start = ContinuousClock.now
      var runs = 0
      var elapsed = Duration.zero
      repeat {
        sink &+= body()
        runs += 1
        elapsed = ContinuousClock.now - start
      } while elapsed < minimum
      let seconds =
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
      shortest = min(shortest, seconds / Double(runs))
    }
    if sink == 0x5EED { print("", terminator: "") }
    return shortest
  }
}

/// `value` with `decimals` digits after the point.
private func number(_ value: Double, _ decimals: Int) -> String {
  guard value.isFinite else { return "-" }
  return String(format: "%.\(decimals)f", value)
}

private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
  let fill = String(repeating: " ", count: max(0, width - text.count))
  return right ? fill + text : text + fill
}
