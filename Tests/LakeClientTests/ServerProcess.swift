import Foundation
import LakeClient
import XCTest

/// A service for the library tests: the real `lakestore` binary from this build (beside the
/// test binary), or `moto_server` when it is installed. Stopped when the value goes away.
final class ServerProcess: @unchecked Sendable {
  let endpoint: URL
  let directory: String
  private let process: Process

  static let accessKey = "LAKECLIENTTEST"
  static let secretKey = "lake-client-test-secret"

  private init(process: Process, endpoint: URL, directory: String) {
    self.process = process
    self.endpoint = endpoint
    self.directory = directory
  }

  deinit {
    // SIGKILL: `swift test` runs tests with SIGTERM ignored, and children inherit that.
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// The folder of the running test binary, where SwiftPM also puts `lakestore`.
  static var buildFolder: String {
    let executable =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments[0]
    var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
    while url.path != "/",
      url.pathExtension == "xctest" || url.lastPathComponent == "Contents"
        || url.lastPathComponent == "MacOS"
    {
      url.deleteLastPathComponent()
    }
    return url.path
  }

  /// Starts `lakestore serve` on a free port with a fresh data folder.
  static func lakestore(extraArguments: [String] = []) throws -> ServerProcess {
    let binary = buildFolder + "/lakestore"
    guard FileManager.default.isExecutableFile(atPath: binary) else {
      throw XCTSkip("\(binary) is not built (swift build --build-tests builds it)")
    }
    let directory = NSTemporaryDirectory() + "lakeclient-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments =
      [
        "serve", "--data", directory + "/data", "--address", "127.0.0.1:0", "--access-key",
        accessKey, "--secret-key", secretKey, "--access-log", "false",
      ] + extraArguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    var text = ""
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      let data = output.fileHandleForReading.availableData
      if data.isEmpty { break }
      text += String(decoding: data, as: UTF8.self)
      if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
        let url = URL(string: String(line.dropFirst("listening on ".count)))!
        return ServerProcess(process: process, endpoint: url, directory: directory)
      }
    }
    kill(process.processIdentifier, SIGKILL)
    throw XCTSkip("lakestore did not start: \(text)")
  }

  /// Starts `moto_server` (an S3 mock that checks no signatures) on a free port, or skips.
  static func moto() throws -> ServerProcess {
    let candidates =
      ["/usr/local/bin/moto_server", "/usr/bin/moto_server"]
      + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map {
        "\($0)/moto_server"
      }
    guard let binary = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
      throw XCTSkip("moto_server is not installed")
    }
    let port = try freePort()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let endpoint = URL(string: "http://127.0.0.1:\(port)")!
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      if canConnect(port: port) {
        return ServerProcess(
          process: process, endpoint: endpoint, directory: NSTemporaryDirectory() + "moto-\(port)")
      }
      usleep(100_000)
    }
    kill(process.processIdentifier, SIGKILL)
    throw XCTSkip("moto_server did not start")
  }

  func client(configure: (inout LakeClientConfiguration) -> Void = { _ in }) -> LakeClient {
    var configuration = LakeClientConfiguration(
      endpoint: endpoint,
      credentials: .init(accessKey: Self.accessKey, secretKey: Self.secretKey))
    configuration.retry = RetryPolicy(maxAttempts: 2, baseDelay: 0.01)
    configure(&configuration)
    return LakeClient(configuration: configuration)
  }

  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  static func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }
}

/// `count` deterministic pseudo-random bytes.
func testBytes(_ count: Int, seed: UInt64 = 1) -> Data {
  var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
  var bytes = [UInt8](repeating: 0, count: count)
  for i in 0..<count {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    bytes[i] = UInt8(truncatingIfNeeded: state)
  }
  return Data(bytes)
}

/// Chunks of `data` as an async sequence, `size` bytes each (a producer of unknown length).
struct Chunks: AsyncSequence, Sendable {
  typealias Element = Data
  let data: Data
  let size: Int
  var failAfter: Int? = nil

  struct SourceFailure: Error {}

  func makeAsyncIterator() -> Iterator { Iterator(data: data, size: size, failAfter: failAfter) }

  struct Iterator: AsyncIteratorProtocol {
    let data: Data
    let size: Int
    let failAfter: Int?
    var offset = 0
    mutating func next() async throws -> Data? {
      if let failAfter, offset >= failAfter { throw SourceFailure() }
      guard offset < data.count else { return nil }
      let end = Swift.min(data.count, offset + size)
      defer { offset = end }
      return data.subdata(in: offset..<end)
    }
  }
}
