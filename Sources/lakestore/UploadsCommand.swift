import ArgumentParser
import Foundation
import LakeServer
import Logging

struct UploadsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uploads",
    abstract: "List unfinished multipart uploads older than an age; --abort removes them.",
    discussion: """
      Prints one line per upload: initiated (UTC), bucket/key, upload ID, parts and bytes. \
      The running server aborts uploads older than upload_expiry by itself; this verb is for \
      looking and cleaning up by hand. Stop the server first (the data directory is locked \
      while it runs). Exit status: 0, or 2 for a usage or configuration error.
      """)

  @Option(help: settingHelp("data")) var data: String?
  @Option(help: "Only uploads initiated at least this long ago (e.g. 7d, 36h, 0 for all).")
  var olderThan: String = "0"
  @Flag(help: "Abort the uploads listed.") var abort = false

  func run() throws {
    var flags: [String: String] = [:]
    if let data { flags["data"] = data }
    let configuration = try loadConfiguration(configFile: nil, flags: flags)
    let seconds: Int64
    do {
      seconds = try ConfigurationLoader.age(olderThan)
    } catch {
      complain("lakestore: --older-than: \(error)")
      throw ExitCode(2)
    }
    var logger = Logger(label: "lakestore.uploads")
    logger.logLevel = .warning
    do {
      try Maintenance.uploads(
        dataDirectory: configuration.dataDirectory, olderThanSeconds: seconds, abort: abort,
        logger: logger
      ) { line in say(line) }
    } catch {
      complain("lakestore: uploads failed: \(error)")
      throw ExitCode(1)
    }
  }
}
