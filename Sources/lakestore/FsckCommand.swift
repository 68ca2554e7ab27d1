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
      catalog row names. With --adopt, files without a row inside a bucket directory (copied \
      there by hand) are registered as the objects their paths name, in place: ETag (MD5) and \
      size from their bytes, Content-Type from the name's suffix, last-modified from the \
      file; the indexer then records their statistics. Files that cannot be adopted (a name \
      that is not a key the store would place there, a key that already has an object) are \
      reported and left alone. With --statistics, every indexed object's file is examined \
      again and compared with its index record (status, row count, columns). With --repair, \
      rows without a valid file are removed, files without a row (after adoption, when \
      --adopt is given) are moved to <data>/.lakestore/lost+found/, and index records that \
      differ from their files are rewritten. Stop the server first. Exit status: 0 clean, \
      repaired, or every problem fixed by --adopt; 1 problems found; 2 usage or \
      configuration error.
      """)

  @Option(help: settingHelp("data")) var data: String?
  @Flag(help: "Fix what is found.") var repair = false
  @Flag(help: "Register files without a catalog row inside bucket directories as objects.")
  var adopt = false
  @Flag(help: "Compare every indexed object's statistics with a fresh read of its file.")
  var statistics = false

  func run() throws {
    var flags: [String: String] = [:]
    if let data { flags["data"] = data }
    let configuration = try loadConfiguration(configFile: nil, flags: flags)
    var logger = Logger(label: "lakestore.fsck")
    logger.logLevel = .warning
    do {
      let unfixed = try Maintenance.fsck(
        configuration: configuration, repair: repair, adopt: adopt, statistics: statistics,
        logger: logger, output: { line in say(line) }, status: { line in complain(line) })
      if !repair && unfixed > 0 { throw ExitCode(1) }
    } catch let exit as ExitCode {
      throw exit
    } catch {
      complain("lakestore: fsck failed: \(error)")
      throw ExitCode(1)
    }
  }
}
