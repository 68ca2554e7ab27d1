import ArgumentParser

@main
struct LakestoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lakestore",
    abstract: "A local data-lake object store with an S3-compatible API.",
    subcommands: [
      ServeCommand.self, FsckCommand.self, UploadsCommand.self, ImportCommand.self,
      CatalogCommand.self,
    ],
    defaultSubcommand: ServeCommand.self)
}
