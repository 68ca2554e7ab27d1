import ArgumentParser
import Foundation
import LakeServer

/// Writes a line to standard output at once (no buffering: scripts wait for these lines).
func say(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Writes a line to standard error.
func complain(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Loads the configuration from flags, environment and file; on a bad setting prints one line
/// naming it and exits with status 2.
func loadConfiguration(configFile: String?, flags: [String: String]) throws -> ServerConfiguration {
  do {
    return try ConfigurationLoader.load(
      configFile: configFile, environment: ProcessInfo.processInfo.environment, flags: flags)
  } catch {
    complain("lakestore: configuration error: \(error.description)")
    throw ExitCode(2)
  }
}
