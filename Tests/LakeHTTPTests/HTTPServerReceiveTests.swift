import Glibc
import XCTest

@testable import LakeHTTP

/// Request bodies received for a sink or a buffer (issue 11 §5): the worker moves bytes only
/// while they flow, so slow uploaders hold no worker.
final class HTTPServerReceiveTests: XCTestCase {
  private var server: TestServer!

  override func tearDown() {
    server?.stop()
  }

  private func start(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws
    -> TestServer
  {
    server = try TestServer(configure)
    return server
  }

  func testStreamedBodyArrivesWholeInPiecesAndTheConnectionIsKept() throws {
    let server = try start()
    let client = try server.client()
    let body = TestPattern.first(3 << 20)
    try client.send("PUT /stream HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n")
    var offset = 0
    for size in [1, 100, 70_000, 1 << 20] {
      try client.send(Array(body[offset..<offset + size]))
      offset += size
      usleep(20_000)  // pauses past the worker's grace: the request is parked and resumed
    }
    try client.send(Array(body[offset...]))
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 200)
    let fields = response.text.split(separator: " ")
    XCTAssertEqual(fields.first, "\(body.count)")
    XCTAssertEqual(fields.last, "0", "pattern mismatches")
    try client.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /after")
    let record = try XCTUnwrap(
      server.handler.completed(atLeast: 2).first { $0.head.path == "/stream" })
    XCTAssertEqual(record.bodyBytesReceived, Int64(body.count))
  }

  func testAParkedAndResumedBodyReusesOneReceiveBuffer() throws {
    // Resident memory follows how many bodies arrive at once, not how many workers ever
    // received one: a body parked and resumed many times (each time on any of the workers)
    // keeps taking the same buffer back.
    let server = try start()
    let client = try server.client()
    let body = TestPattern.first(40 * 4096)
    try client.send("PUT /stream HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n")
    for offset in stride(from: 0, to: body.count, by: 4096) {
      try client.send(Array(body[offset..<offset + 4096]))
      usleep(5_000)  // past the worker's grace: parked, then resumed
    }
    XCTAssertEqual(try client.readResponse().status, 200)
    let buffers = try XCTUnwrap(
      server.server.state.withLock { state -> ReceiveBuffers? in
        if case .running(let running) = state { return running.core.receiveBuffers }
        return nil
      })
    XCTAssertEqual(buffers.freeCount, 1, "buffers allocated for one body received in 40 pieces")
  }

  func testChunkedStreamedBodyWithPauses() throws {
    let server = try start()
    let client = try server.client()
    let body = TestPattern.first(200_000)
    try client.send("POST /stream HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
    var offset = 0
    for size in [10, 0x1000, 100_000] {
      try client.send(String(size, radix: 16) + "\r\n")
      usleep(10_000)
      try client.send(Array(body[offset..<offset + size]) + Array("\r\n".utf8))
      offset += size
    }
    try client.send("\(String(body.count - offset, radix: 16))\r\n")
    try client.send(Array(body[offset...]) + Array("\r\n0\r\n\r\n".utf8))
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.text.split(separator: " ").first, "200000")
    XCTAssertEqual(response.text.split(separator: " ").last, "0")
  }

  /// With a single worker, twenty clients that send half a body and pause do not stop a
  /// twenty-first from being answered; each paused upload still completes afterwards.
  func testSlowUploadersHoldNoWorker() throws {
    let server = try start { $0.workerCount = 1 }
    let body = TestPattern.first(100_000)
    var slow: [TestClient] = []
    for _ in 0..<20 {
      let client = try server.client()
      try client.send("PUT /stream HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n")
      try client.send(Array(body[..<50_000]))
      slow.append(client)
    }
    usleep(100_000)
    for round in 0..<3 {
      let other = try server.client()
      let begin = ContinuousClock.now
      try other.send("GET /needs-a-worker HTTP/1.1\r\nHost: t\r\n\r\n")
      XCTAssertEqual(try other.readResponse().status, 200, "round \(round)")
      XCTAssertLessThan(ContinuousClock.now - begin, .milliseconds(500), "round \(round)")
    }
    for client in slow {
      try client.send(Array(body[50_000...]))
      let response = try client.readResponse()
      XCTAssertEqual(response.status, 200)
      XCTAssertEqual(response.text.split(separator: " ").first, "100000")
      XCTAssertEqual(response.text.split(separator: " ").last, "0")
    }
  }

  func testStalledStreamedBodyEndsWithTimeout() throws {
    let server = try start { $0.bodyStallTimeout = .milliseconds(300) }
    let client = try server.client()
    try client.send("PUT /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789")
    let begin = ContinuousClock.now
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 408)
    XCTAssertEqual(response.header("X-Body-Error"), "timeout")
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertLessThan(ContinuousClock.now - begin, .seconds(2))
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testTrickledStreamedBodyBelowTheRateEnds() throws {
    let server = try start {
      $0.minTransferRate = 10_000
      $0.transferRateWindow = .milliseconds(400)
    }
    let client = try server.client()
    try client.send("PUT /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
    for _ in 0..<40 {
      guard (try? client.send("0123456789")) != nil, !client.hasInput() else { break }
      usleep(50_000)
    }
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 408)
  }

  func testBufferedBodyIsHandedOverWholeAndLimited() throws {
    let server = try start()
    let client = try server.client()
    try client.send("PUT /buffer HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello")
    usleep(20_000)
    try client.send(" world")
    XCTAssertEqual(try client.readResponse().text, "hello world")
    try client.send(
      "PUT /buffer?limit=4 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 400)
    XCTAssertEqual(response.header("X-Body-Error"), "tooLarge")
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testRefusedBodyIsNotReadAndTheConnectionCloses() throws {
    let server = try start()
    let client = try server.client()
    try client.send("PUT /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\nxx")
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 403)
    XCTAssertEqual(response.header("Connection"), "close")
    // A body that came whole with the head does not cost the connection.
    let whole = try server.client()
    try whole.send("PUT /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nxx")
    XCTAssertEqual(try whole.readResponse().header("Connection"), nil)
    try whole.send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try whole.readResponse().text, "GET /next")
  }

  func testExpectContinueIsSentBeforeAStreamedBody() throws {
    let server = try start()
    let client = try server.client()
    try client.send(
      "PUT /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
    XCTAssertEqual(try client.readHead().status, 100)
    try client.send("hello")
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.text.split(separator: " ").first, "5")
  }
}
