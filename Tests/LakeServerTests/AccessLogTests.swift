import Foundation
import XCTest

@testable import LakeServer

final class AccessLogTests: XCTestCase {
  private var path = ""
  private var fd: Int32 = -1

  override func setUp() {
    path = NSTemporaryDirectory() + "/accesslog-\(UUID().uuidString)"
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    XCTAssertGreaterThanOrEqual(fd, 0)
  }

  override func tearDown() {
    close(fd)
    unlink(path)
  }

  private func written() throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  private static func record(_ log: AccessLog, _ index: Int) {
    log.record(
      method: "GET", path: "/bucket/key-\(index)", status: 200, requestID: "ID\(index)",
      remote: "127.0.0.1:5000", bytesIn: 0, bytesOut: 4096, duration: .microseconds(1_234))
  }

  func testLinesHaveTheLogLineShapeAndArriveWithinTheFlushInterval() throws {
    let log = AccessLog(fileDescriptor: fd, label: "lakestore", flushInterval: .milliseconds(50))
    log.start()
    defer { log.stop() }
    Self.record(log, 1)
    // Buffered, not written per request.
    XCTAssertEqual(try written(), [])
    let deadline = Date().addingTimeInterval(5)
    while try written().isEmpty && Date() < deadline { usleep(10_000) }
    let lines = try written()
    XCTAssertEqual(lines.count, 1)
    XCTAssertNotNil(
      lines[0].range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} "#, options: .regularExpression)
    )
    XCTAssertTrue(
      lines[0].hasSuffix(
        " info lakestore: bytes_in=0 bytes_out=4096 ms=1.23 remote=127.0.0.1:5000 request_id=ID1 [LakeServer] GET /bucket/key-1 200"
      ), lines[0])
  }

  func testAFullBatchIsWrittenAtOnceAndStopWritesTheRest() throws {
    // A flush interval far beyond the test: only the batch size and stop() write.
    let log = AccessLog(fileDescriptor: fd, label: "lakestore", flushInterval: .seconds(3_600))
    log.start()
    var count = 0
    while try written().isEmpty {
      Self.record(log, count)
      count += 1
      guard count < 10_000 else { return XCTFail("64 KiB of lines never reached the file") }
    }
    let batch = try written()
    XCTAssertGreaterThan(batch.count, 300)
    XCTAssertEqual(batch.last.map { $0.hasSuffix("GET /bucket/key-\(count - 1) 200") }, true)
    for index in count..<count + 10 { Self.record(log, index) }
    XCTAssertEqual(try written().count, batch.count)
    log.stop()
    XCTAssertEqual(try written().count, count + 10)
  }

  func testLinesFromManyThreadsStayWholeAndNoneIsLost() throws {
    let log = AccessLog(fileDescriptor: fd, label: "lakestore", flushInterval: .milliseconds(5))
    log.start()
    DispatchQueue.concurrentPerform(iterations: 8) { thread in
      for index in 0..<2_000 { AccessLogTests.record(log, thread * 10_000 + index) }
    }
    log.stop()
    let lines = try written()
    XCTAssertEqual(lines.count, 16_000)
    let paths = lines.compactMap { $0.split(separator: " ").last(where: { $0.hasPrefix("/") }) }
    XCTAssertEqual(Set(paths).count, 16_000)
  }
}
