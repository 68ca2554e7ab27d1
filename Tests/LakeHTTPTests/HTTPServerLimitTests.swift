import Glibc
import XCTest

@testable import LakeHTTP

/// Limits and timeouts of a live server.
final class HTTPServerLimitTests: XCTestCase {
  private var server: TestServer?

  override func tearDown() {
    server?.stop()
  }

  private func start(_ configure: (inout HTTPServerConfiguration) -> Void) throws -> TestServer {
    let started = try TestServer(configure)
    server = started
    return started
  }

  func testHeadLimitsAnswer431And400() throws {
    let server = try start {
      $0.maxRequestLineBytes = 256
      $0.maxHeaderBytes = 1024
      $0.maxHeaderCount = 10
    }
    let cases: [(String, Int)] = [
      ("GET /\(String(repeating: "a", count: 300)) HTTP/1.1\r\nHost: t\r\n\r\n", 400),
      ("GET / HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "b", count: 1100))\r\n\r\n", 431),
      ("GET / HTTP/1.1\r\nHost: t\r\n" + (0..<12).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
    ]
    for (request, status) in cases {
      let client = try server.client()
      try client.send(request)
      let response = try client.readResponse()
      XCTAssertEqual(response.status, status, String(request.prefix(40)))
      XCTAssertEqual(response.header("Connection"), "close")
      XCTAssertTrue(client.isClosedByPeer())
    }
    // Just inside the limits still works.
    let client = try server.client()
    try client.send(
      "GET / HTTP/1.1\r\nHost: t\r\n" + (0..<9).map { "X-\($0): v\r\n" }.joined() + "\r\n")
    XCTAssertEqual(try client.readResponse().status, 200)
  }

  func testOversizedDeclaredBodyIsTooLarge() throws {
    let server = try start { $0.maxBodyBytes = 1000 }
    let client = try server.client()
    try client.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 413)
    XCTAssertEqual(response.header("X-Body-Error"), "tooLarge")
    XCTAssertTrue(client.isClosedByPeer())
    let chunked = try server.client()
    try chunked.send(
      "PUT /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3E8\r\n"
        + String(repeating: "x", count: 1000) + "\r\n1\r\nx\r\n0\r\n\r\n")
    XCTAssertEqual(try chunked.readResponse().status, 413)
  }

  func testConnectionsOverTheLimitGet503() throws {
    let server = try start { $0.maxConnections = 2 }
    let first = try server.client()
    let second = try server.client()
    for client in [first, second] {
      try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
      XCTAssertEqual(try client.readResponse().status, 200)
    }
    let refused = try server.client()
    try refused.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    let response = try refused.readResponse()
    XCTAssertEqual(response.status, 503)
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertTrue(refused.isClosedByPeer())
    // Freeing a slot lets a new connection in (the close is noticed asynchronously).
    try first.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    _ = try first.readResponse()
    XCTAssertTrue(first.isClosedByPeer())
    first.close()
    var status = 0
    for _ in 0..<50 {
      let client = try server.client()
      try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
      status = try client.readResponse().status
      if status == 200 { break }
      usleep(20_000)
    }
    XCTAssertEqual(status, 200)
  }

  func testSlowlorisIsClosedAfterTheHeaderReadTimeout() throws {
    let server = try start {
      $0.headerReadTimeout = .milliseconds(300)
      $0.idleTimeout = .seconds(10)
    }
    let client = try server.client()
    let start = ContinuousClock.now
    try client.send("GET / HTTP/1.1\r\n")
    var answered: Duration?
    for index in 0..<60 {
      usleep(50_000)
      if client.hasInput() {
        answered = ContinuousClock.now - start
        break
      }
      // Keep dribbling bytes: a timer reset by every read would never fire.
      try? client.send("X-\(index): 1\r\n")
    }
    let elapsed = try XCTUnwrap(answered, "the connection was neither answered nor closed")
    XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(250))
    XCTAssertLessThan(elapsed, .seconds(2))
    let rest = try XCTUnwrap(client.readUntilClosed(), "the connection stayed open")
    XCTAssertTrue(String(decoding: rest, as: UTF8.self).hasPrefix("HTTP/1.1 408"))
  }

  func testIdleKeepAliveConnectionIsClosed() throws {
    let server = try start { $0.idleTimeout = .milliseconds(300) }
    let client = try server.client()
    try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().status, 200)
    let start = ContinuousClock.now
    XCTAssertTrue(client.isClosedByPeer())
    XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(200))
    // A connection that never sends anything is closed too.
    let silent = try server.client()
    XCTAssertTrue(silent.isClosedByPeer())
  }

  func testStalledBodyTimesOut() throws {
    let server = try start { $0.bodyStallTimeout = .milliseconds(300) }
    let client = try server.client()
    try client.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789")
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 408)
    XCTAssertEqual(response.header("X-Body-Error"), "timeout")
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertTrue(client.isClosedByPeer())
  }

  /// A body that never pauses long enough to stall, but moves slower than the minimum rate,
  /// ends once the rate window closes (issue 11 §5).
  func testTrickledBodyBelowTheMinimumRateTimesOut() throws {
    let server = try start {
      $0.minTransferRate = 10_000
      $0.transferRateWindow = .milliseconds(500)
    }
    let client = try server.client()
    try client.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
    let started = ContinuousClock.now
    var refused = false
    for _ in 0..<40 {
      guard (try? client.send("0123456789")) != nil else {
        refused = true
        break
      }
      usleep(50_000)
      if client.hasInput() { break }
    }
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 408, "refused=\(refused)")
    XCTAssertEqual(response.header("X-Body-Error"), "timeout")
    XCTAssertLessThan(ContinuousClock.now - started, .seconds(2))
  }

  /// A reader that drains a large response slower than the minimum rate is cut off.
  func testSlowReaderBelowTheMinimumRateIsDisconnected() throws {
    let path = try TestPattern.makeFile(count: 64 << 20)
    defer { unlink(path) }
    let started = try TestServer(handler: TestHandler(filePath: path)) {
      $0.minTransferRate = 1 << 20
      $0.transferRateWindow = .milliseconds(500)
      $0.eventLoopCount = 1
      $0.workerCount = 2
    }
    server = started
    let client = try started.client()
    var small: Int32 = 4096
    setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
    try client.send("GET /file HTTP/1.1\r\nHost: t\r\n\r\n")
    let begin = ContinuousClock.now
    // Read about 50 KiB/s, far below 1 MiB/s, until the server gives up on the response.
    // (What it had already queued in the socket buffers still arrives after that, so the
    // server's own record says when it stopped.)
    var buffer = [UInt8](repeating: 0, count: 1024)
    while started.handler.completed.isEmpty && ContinuousClock.now - begin < .seconds(10) {
      if recv(client.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) == 0 { break }
      usleep(20_000)
    }
    XCTAssertLessThan(ContinuousClock.now - begin, .seconds(5), "the slow reader was not cut off")
    let record = try XCTUnwrap(started.handler.completed(atLeast: 1).first)
    XCTAssertLessThan(record.bodyBytesSent, 64 << 20)
  }

  /// A reader that stops reading a large response holds no worker (issue 11 §5): with one
  /// worker, another client is answered at once, and the stalled response still arrives
  /// whole once its reader resumes.
  func testStalledReaderOfALargeResponseHoldsNoWorker() throws {
    let size = 32 << 20
    let path = try TestPattern.makeFile(count: size)
    defer { unlink(path) }
    let started = try TestServer(handler: TestHandler(filePath: path)) {
      $0.workerCount = 1
      $0.eventLoopCount = 1
    }
    server = started
    let slow = try started.client()
    var small: Int32 = 64 * 1024
    setsockopt(slow.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
    try slow.send("GET /file HTTP/1.1\r\nHost: t\r\n\r\n")
    usleep(300_000)  // the response fills the socket buffers and stops
    for round in 0..<3 {
      let other = try started.client()
      let begin = ContinuousClock.now
      try other.send("PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok")
      XCTAssertEqual(try other.readResponse().text, "ok", "round \(round)")
      XCTAssertLessThan(ContinuousClock.now - begin, .milliseconds(500), "round \(round)")
    }
    let head = try slow.readHead()
    XCTAssertEqual(head.header("Content-Length"), "\(size)")
    var verifier = TestPattern()
    try slow.readBody(size) { verifier.verify($0) }
    XCTAssertEqual(verifier.mismatches, 0)
    let record = try XCTUnwrap(
      started.handler.completed(atLeast: 4).first { $0.head.path == "/file" })
    XCTAssertEqual(record.bodyBytesSent, Int64(size))
  }

  func testClientVanishingMidBodyFailsTheRead() throws {
    let server = try start { _ in }
    let client = try server.client()
    try client.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n0123456789")
    usleep(50_000)
    shutdown(client.fd, Int32(SHUT_WR))
    let record = try XCTUnwrap(server.handler.completed(atLeast: 1).first)
    XCTAssertEqual(record.status, 400)
    XCTAssertEqual(record.bodyBytesReceived, 10)
  }
}
