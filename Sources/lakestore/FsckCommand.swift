import ArgumentParser
import Foundation
import LakeServer
import Logging

struct FsckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fsck",
    abstract: "Check that the catalog and the object files agree; --repair fixes what it finds.",
    discussion: """
      Reports catalog rows whose file is missing or has the wrong size, and files that no \
      catalog row names. With --repair, such rows are removed and such files are moved to \
      <data>/.lakestore/lost+found/. Stop the server first. Exit status: 0 clean (or repaired), \
      1 problems found, 2 usage or configuration error.
      """)

  @Option(help: settingHelp("data")) var data: String?
  @Flag(help: "Fix what is found.") var repair = false

  func run() throws {
    var flags: [String: String] = [:]
    if let data { flags["data"] = data }
    let configuration = try loadConfiguration(configFile: nil, flags: flags)
    var logger = Logger(label: "lakestore.fsck")
    logger.logLevel = .warning
    do {
      let problems = try Maintenance.fsck(
        dataDirectory: configuration.dataDirectory, repair: repair, logger: logger
      ) { line in say(line) }
      if problems > 0 && !repair { throw ExitCode(1) }
    } catch let exit as ExitCode {
      throw exit
    } catch {
      complain("lakestore: fsck failed: \(error)")
      throw ExitCode(1)
    }
  }
}
