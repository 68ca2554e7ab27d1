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

  func testAFullBatchWakesTheFlusherAndStopWritesTheRest() throws {
    // A flush interval far beyond the test: only a full batch and stop() write.
    let log = AccessLog(fileDescriptor: fd, label: "lakestore", flushInterval: .seconds(3_600))
    log.start()
    for index in 0..<100 { Self.record(log, index) }
    usleep(100_000)
    XCTAssertEqual(try written(), [], "less than a batch is written before its interval")
    var count = 100
    var bytes = 0
    while bytes < AccessLog.batchBytes {
      Self.record(log, count)
      count += 1
      bytes += 150
    }
    // The flushing thread writes the batch, not the request thread.
    let deadline = Date().addingTimeInterval(5)
    while try written().isEmpty && Date() < deadline { usleep(5_000) }
    XCTAssertGreaterThan(try written().count, 300)
    for index in count..<count + 10 { Self.record(log, index) }
    log.stop()
    let lines = try written()
    XCTAssertEqual(lines.count, count + 10)
    XCTAssertEqual(lines.last.map { $0.hasSuffix("GET /bucket/key-\(count + 9) 200") }, true)
  }

  func testWithoutTheFlushingThreadAFullBatchIsWrittenByTheAppender() throws {
    let log = AccessLog(fileDescriptor: fd, label: "lakestore", flushInterval: .seconds(3_600))
    var count = 0
    while try written().isEmpty {
      Self.record(log, count)
      count += 1
      guard count < 10_000 else { return XCTFail("64 KiB of lines never reached the file") }
    }
    XCTAssertEqual(try written().count, count)
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
