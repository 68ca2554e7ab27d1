import ArgumentParser
import Foundation
import LakeClient
import LakeTOML

#if canImport(Glibc)
  import Glibc
#endif

struct Config: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "config",
    abstract: "Write or show a profile (endpoint, keys, region) in the profile file.",
    discussion: """
      With no option, shows the settings in effect (the secret key masked) and where each comes \
      from. With options, writes them into the profile (default 'default') of the profile file \
      ($LAKESTORE_CONFIG, else ~/.config/lakestore/config), created with mode 0600.
      """)

  @Option(help: "Profile to write or show (default: $LAKESTORE_PROFILE or 'default').")
  var profile: String?
  @Option(help: "Service URL to store.") var endpoint: String?
  @Option(help: "Access key id to store.") var accessKey: String?
  @Option(help: "Secret key to store.") var secretKey: String?
  @Option(help: "Region to store.") var region: String?
  @Option(help: "Addressing to store: path or virtual.") var addressing: String?

  func validate() throws {
    if let endpoint { _ = try LakeClientConfiguration.parseEndpoint(endpoint) }
    if let addressing, LakeClientConfiguration.Addressing(rawValue: addressing) == nil {
      throw ValidationError("--addressing must be path or virtual")
    }
  }

  func run() async throws {
    let environment = ProcessInfo.processInfo.environment
    let path = LakeClientConfiguration.defaultProfilePath(environment: environment)
    let name = profile ?? environment["LAKESTORE_PROFILE"] ?? "default"
    let changes: [(String, String?)] = [
      ("endpoint", endpoint), ("access_key", accessKey), ("secret_key", secretKey),
      ("region", region), ("addressing", addressing),
    ]
    if changes.contains(where: { $0.1 != nil }) {
      try ProfileFile.update(path: path, profile: name, changes: changes)
      print("wrote profile '\(name)' to \(path)")
      return
    }
    var shown = environment
    shown["LAKESTORE_PROFILE"] = name
    let configuration = try LakeClientConfiguration.resolve(environment: shown)
    let secret = configuration.credentials.map { String($0.secretKey.prefix(2)) + "****" } ?? "-"
    Terminal.table([
      ["profile file:", path], ["profile:", name],
      ["endpoint:", configuration.endpoint.absoluteString],
      ["access key:", configuration.credentials?.accessKey ?? "- (unsigned requests)"],
      ["secret key:", secret], ["region:", configuration.region],
      ["addressing:", configuration.addressing.rawValue],
    ])
  }
}

/// Rewrites one profile of the profile file, keeping the others, with mode 0600.
enum ProfileFile {
  static func update(path: String, profile: String, changes: [(String, String?)]) throws {
    var tables: [String: [String: String]] = [:]
    if FileManager.default.fileExists(atPath: path) {
      tables = try TOMLTables.parse(String(contentsOfFile: path, encoding: .utf8), name: path)
    }
    for (key, value) in changes { if let value { tables[profile, default: [:]][key] = value } }
    var text = "# LakeStore client profiles, written by 'lakectl config'.\n"
    for name in tables.keys.sorted() where !name.isEmpty {
      text += "\n[\(name)]\n"
      for (key, value) in tables[name]!.sorted(by: { $0.key < $1.key }) {
        text += "\(key) = \(TOMLTables.quoted(value))\n"
      }
    }
    let directory = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let temporary = path + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw LakectlFailure("cannot write \(temporary): \(String(cString: strerror(errno)))")
    }
    let bytes = Array(text.utf8)
    let written = write(fd, bytes, bytes.count)
    let synced = fsync(fd)
    close(fd)
    guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw LakectlFailure("cannot write \(path): \(String(cString: strerror(errno)))")
    }
  }
}

struct Version: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "version", abstract: "Print lakectl's version.")

  func run() {
    print("lakectl \(LakectlVersion.text)")
  }
}
