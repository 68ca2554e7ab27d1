import ArgumentParser
import Foundation
import LakeServer
import Logging

struct CatalogCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "catalog",
    abstract: "Catalog maintenance.",
    subcommands: [RebuildCommand.self])

  struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rebuild",
      abstract: "Recreate a lost or damaged catalog from the files of the data directory.",
      discussion: """
        Moves the old catalog files (catalog.db*), the index (index.db*), the DuckLake \
        views, the parts of unfinished multipart uploads and temp files into \
        <data>/.lakestore/catalog.broken-<time>/ (nothing is deleted), creates a fresh \
        catalog with a bucket for every top-level directory whose name is a valid bucket \
        name, and registers every file of those directories as the object its path names \
        (ETag = MD5 of its bytes, Content-Type from its name, last-modified from the file). \
        Files of the overflow area (keys that were not plain paths) have no recoverable key \
        and are moved to <data>/.lakestore/lost+found/, as are other files that cannot be \
        registered. The index and the DuckLake views are rebuilt; the command waits for \
        them. LOST for good: user metadata (x-amz-meta-*), the Content-Type and other \
        headers clients set, tags, additional checksums, multipart ETags (such objects get \
        their MD5 as ETag), bucket creation times and unfinished multipart uploads. Refuses \
        while the catalog is still readable unless --force. Stop the server first. Exit \
        status: 0 rebuilt, 1 failed or something was left unresolved, 2 usage error.
        """)

    @Option(help: settingHelp("data")) var data: String?
    @Flag(help: "Rebuild even though the existing catalog is readable.") var force = false

    func run() throws {
      var flags: [String: String] = [:]
      if let data { flags["data"] = data }
      let configuration = try loadConfiguration(configFile: nil, flags: flags)
      var logger = Logger(label: "lakestore.catalog")
      logger.logLevel = .warning
      do {
        let unresolved = try Maintenance.rebuildCatalog(
          configuration: configuration, force: force, logger: logger,
          output: { line in say(line) }, status: { line in complain(line) })
        if unresolved > 0 { throw ExitCode(1) }
      } catch let exit as ExitCode {
        throw exit
      } catch {
        complain("lakestore: catalog rebuild failed: \(error)")
        throw ExitCode(1)
      }
    }
  }
}
