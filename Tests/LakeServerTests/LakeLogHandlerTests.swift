import Foundation
import Logging
import XCTest

@testable import LakeServer

final class LakeLogHandlerTests: XCTestCase {
  /// Logs into a temporary file and returns what it holds.
  private func capture(_ body: (Logger) -> Void) throws -> String {
    let path = NSTemporaryDirectory() + "/lakelog-\(UUID().uuidString)"
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    XCTAssertGreaterThanOrEqual(fd, 0)
    defer { unlink(path) }
    var handler = LakeLogHandler(label: "lakestore", fileDescriptor: fd)
    handler.metadata = ["base": "1"]
    var logger = Logger(label: "lakestore") { _ in handler }
    logger.logLevel = .info
    body(logger)
    close(fd)
    return try String(contentsOfFile: path, encoding: .utf8)
  }

  func testLinesHaveTheStreamLogHandlerShapeWithSortedMetadata() throws {
    let text = try capture { logger in
      logger.info("GET /b/k 200", metadata: ["request_id": "ABC", "bytes_out": "5", "base": "2"])
      logger.debug("not shown")
      logger.warning("plain")
    }
    let lines = text.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.count, 2, text)
    let pattern = #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} "#
    XCTAssertNotNil(lines[0].range(of: pattern, options: .regularExpression), lines[0])
    XCTAssertTrue(
      lines[0].hasSuffix(
        " info lakestore: base=2 bytes_out=5 request_id=ABC [LakeServerTests] GET /b/k 200"),
      lines[0])
    XCTAssertTrue(
      lines[1].hasSuffix(" warning lakestore: base=1 [LakeServerTests] plain"), lines[1])
  }

  func testLinesFromManyThreadsStayWhole() throws {
    let text = try capture { logger in
      DispatchQueue.concurrentPerform(iterations: 8) { thread in
        for index in 0..<200 {
          logger.info("line \(thread)-\(index) \(String(repeating: "x", count: 300))")
        }
      }
    }
    let lines = text.split(separator: "\n")
    XCTAssertEqual(lines.count, 1600)
    for line in lines {
      XCTAssertTrue(line.hasSuffix(String(repeating: "x", count: 300)), String(line))
    }
  }
}
