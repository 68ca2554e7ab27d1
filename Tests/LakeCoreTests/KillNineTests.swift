import Foundation
import XCTest

@testable import LakeCore

/// A real `kill -9` in the middle of a stream of PUTs: every write acknowledged before the
/// kill must be intact after reopening. The test binary re-runs itself as the child.
final class KillNineTests: XCTestCase {
  private static let directoryVariable = "LAKECORE_KILL9_DIRECTORY"

  private static func payload(_ index: Int) -> [UInt8] {
    (0..<(500 + index * 37 % 9000)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ index) }
  }

  func testAcknowledgedWritesSurviveKill9() throws {
    let directory = try TemporaryDirectory()
    do {
      let store = try reopen(directory)
      _ = try store.createBucket("bkt")
      store.close()
    }
    let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let child = Process()
    child.executableURL = URL(fileURLWithPath: executable)
    child.arguments = ["LakeCoreTests.KillNineTests/testChildWritesUntilKilled"]
    child.environment = ProcessInfo.processInfo.environment.merging([
      Self.directoryVariable: directory.path
    ]) { $1 }
    let output = Pipe()
    child.standardOutput = output
    child.standardError = FileHandle.nullDevice
    try child.run()

    var acknowledged: [Int] = []
    var buffer = ""
    while acknowledged.count < 40 {
      let data = output.fileHandleForReading.availableData
      if data.isEmpty { break }  // the child exited early
      buffer += String(decoding: data, as: UTF8.self)
      while let newline = buffer.firstIndex(of: "\n") {
        let line = buffer[..<newline]
        buffer = String(buffer[buffer.index(after: newline)...])
        if line.hasPrefix("ACK "), let index = Int(line.dropFirst(4)) { acknowledged.append(index) }
      }
    }
    kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
    XCTAssertEqual(acknowledged.count, 40, "the child stopped acknowledging early")

    let store = try reopen(directory)
    defer { store.close() }
    for index in acknowledged {
      let (info, bytes) = try get(store, "bkt", "obj/\(index)")
      XCTAssertEqual(bytes, Self.payload(index), "acknowledged write \(index)")
      XCTAssertEqual(info.etag, md5Hex(bytes))
    }
    let (hot, hotBytes) = try get(store, "bkt", "hot")
    XCTAssertEqual(md5Hex(hotBytes), hot.etag, "the overwritten key is one complete version")
    XCTAssertGreaterThanOrEqual(
      Int(hot.metadata.userMetadata["index"] ?? "") ?? -1, acknowledged.max() ?? 0)
    XCTAssertEqual(try store.catalog.intents(), [])
    XCTAssertTrue(try store.fsck(repair: false) { XCTFail("\($0)") }.isClean)
  }

  /// The child half: runs only when started by the test above; PUTs until killed.
  func testChildWritesUntilKilled() throws {
    guard let path = ProcessInfo.processInfo.environment[Self.directoryVariable] else { return }
    let store = try LakeStore(dataDirectory: path, logger: quietLogger)
    for index in 0..<100_000 {
      try put(store, "bkt", "obj/\(index)", Self.payload(index))
      try put(
        store, "bkt", "hot", Self.payload(index),
        metadata: ObjectMetadata(userMetadata: ["index": "\(index)"]))
      FileHandle.standardOutput.write(Data("ACK \(index)\n".utf8))
    }
  }
}
