// lakebench: in-process micro-benchmarks of LakeStore's hot library code.
import ArgumentParser

struct LakeBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lakebench",
    abstract: "Micro-benchmarks of LakeStore library code (build with -c release).",
    subcommands: [ChecksumsCommand.self, ExtractCommand.self]
  )
}

LakeBench.main()
