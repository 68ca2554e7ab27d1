import ArgumentParser
import Foundation
import LakeServer
import Logging

struct ImportCommand: ParsableCommand {
  enum How: String, EnumerableFlag {
    case copy, move, inPlace

    static func help(for value: How) -> ArgumentHelp? {
      switch value {
      case .copy: "Copy each file into the store, as a PUT writes it."
      case .move:
        ArgumentHelp(
          "Move each file into the bucket directory (a hard link, then the old name is "
            + "removed); across file systems, copy then remove.")
      case .inPlace: "DIR is inside <data>/BUCKET/ already: register its files where they are."
      }
    }
  }

  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Bring a directory tree (a Hive-partitioned export) into a bucket.",
    discussion: """
      Every regular file under DIR becomes an object whose key is PREFIX followed by its \
      path relative to DIR (with --in-place, its path relative to the bucket directory), \
      with the ETag a single PUT of its bytes gets (MD5) and a Content-Type guessed from its \
      name; the indexer then records its dataset, partitions and statistics as for any PUT. \
      Symbolic links are never followed; they, special files and names that are not UTF-8 \
      are skipped. A key that already has an object is left alone (--overwrite replaces \
      it, for copy and move). A --move whose key path conflicts with a file or directory in \
      the bucket is skipped. Each file left alone is one line on standard output; progress \
      goes to standard error once a second; the last line is a summary. At the end the \
      command waits for the indexer (Ctrl-C there loses nothing: the server carries on). \
      An interrupted import can be run again. Stop the server first (the data directory is \
      locked while it runs). Exit status: 0 every file imported or already there, 1 some \
      were skipped or failed, or the import stopped; 2 usage or configuration error.
      """)

  @Argument(help: "The directory to import.") var directory: String
  @Option(help: "The bucket to import into.") var bucket: String
  @Option(help: "Put this folder before every key (e.g. sales/).") var prefix: String = ""
  @Flag var how: How = .copy
  @Flag(help: "Replace objects whose keys already exist (copy and move).") var overwrite = false
  @Flag(help: "Create the bucket if it does not exist.") var createBucket = false
  @Option(name: .shortAndLong, help: "Files handled at once (1-64).") var jobs: Int = 4
  @Option(help: settingHelp("data")) var data: String?

  func validate() throws {
    guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1 to 64") }
    if how == .inPlace && !prefix.isEmpty {
      throw ValidationError("--prefix does not go with --in-place (the path gives the key)")
    }
    if how == .inPlace && overwrite {
      throw ValidationError("--overwrite does not go with --in-place")
    }
  }

  func run() throws {
    var flags: [String: String] = [:]
    if let data { flags["data"] = data }
    let configuration = try loadConfiguration(configFile: nil, flags: flags)
    var logger = Logger(label: "lakestore.import")
    logger.logLevel = .warning
    let request = Maintenance.ImportRequest(
      source: directory, bucket: bucket,
      how: how == .copy ? .copy : how == .move ? .move : .inPlace, prefix: prefix,
      overwrite: overwrite, createBucket: createBucket, jobs: jobs)
    do {
      let leftAlone = try Maintenance.importTree(
        configuration: configuration, request, logger: logger,
        output: { line in say(line) }, status: { line in complain(line) })
      if leftAlone > 0 { throw ExitCode(1) }
    } catch let exit as ExitCode {
      throw exit
    } catch {
      complain("lakestore: import failed: \(error)")
      throw ExitCode(1)
    }
  }
}
