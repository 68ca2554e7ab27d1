import Glibc
import XCTest

@testable import LakeHTTP

/// Requests the handler answers on the event loop (`handleWithoutBlocking`), mixed with
/// requests served by workers on the same connection.
final class HTTPServerInlineTests: XCTestCase {
  private var server: TestServer!
  private var filePath: String?

  override func tearDown() {
    server?.stop()
    if let filePath { unlink(filePath) }
  }

  private func start(file size: Int = 0) throws {
    if size > 0 { filePath = try TestPattern.makeFile(count: size) }
    server = try TestServer(handler: TestHandler(filePath: filePath))
  }

  func testLoopAndWorkerAnswersKeepPipelineOrder() throws {
    try start()
    let client = try server.client()
    try client.send(
      "GET /quick/a HTTP/1.1\r\nHost: t\r\n\r\n"
        + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
        + "HEAD /quick/b HTTP/1.1\r\nHost: t\r\n\r\n"
        + "GET /plain HTTP/1.1\r\nHost: t\r\n\r\n"
        + "GET /quick/c HTTP/1.1\r\nHost: t\r\n\r\n")
    let first = try client.readResponse()
    XCTAssertEqual(first.text, "GET /quick/a")
    XCTAssertEqual(first.header("X-Answered"), "loop")
    XCTAssertEqual(try client.readResponse().text, "hello")
    // The worker that served the POST goes on with the requests already buffered behind it.
    let head = try client.readResponse(bodyless: true)
    XCTAssertEqual(head.header("Content-Length"), "13")
    XCTAssertEqual(head.header("X-Answered"), "worker")
    XCTAssertEqual(try client.readResponse().text, "GET /plain")
    let last = try client.readResponse()
    XCTAssertEqual(last.text, "GET /quick/c")
    XCTAssertEqual(last.header("Date")?.count, 29)
    XCTAssertEqual(last.header("Server"), "LakeStore")
    let records = server.handler.completed(atLeast: 5)
    XCTAssertEqual(records.count, 5)
    XCTAssertEqual(
      records.filter { $0.head.path == "/quick/a" }.first?.bodyBytesSent, 12,
      "loop answers are reported to requestCompleted")
  }

  func testManyPipelinedLoopAnswersAllArriveInOrder() throws {
    try start()
    let client = try server.client()
    let count = EventLoop.answersPerTurn * 3 + 5
    try client.send(
      (0..<count).map { "GET /quick/\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
    for index in 0..<count {
      XCTAssertEqual(try client.readResponse().text, "GET /quick/\(index)")
    }
    try client.send("GET /quick/after HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /quick/after")
  }

  func testRequestsWithABodyOrExpectationGoToAWorker() throws {
    try start()
    let client = try server.client()
    try client.send("POST /quick/x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
    XCTAssertEqual(try client.readResponse().header("X-Answered"), "worker")
    try client.send("GET /quick/y HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
    XCTAssertEqual(try client.readResponse().header("X-Answered"), "loop")
    try client.send(
      "GET /quick/z HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    XCTAssertEqual(try client.readResponse().header("X-Answered"), "worker")
  }

  func testSmallFileBodiesGoOutFromTheLoopAndLargeOnesFromAWorker() throws {
    let size = 200_000
    try start(file: size)
    let client = try server.client()
    try client.send("GET /quick/file?offset=100&count=4096 HTTP/1.1\r\nHost: t\r\n\r\n")
    let small = try client.readResponse()
    XCTAssertEqual(small.body, Array(TestPattern.first(4196).suffix(4096)))
    try client.send("GET /quick/file HTTP/1.1\r\nHost: t\r\n\r\n")
    let whole = try client.readHead()
    XCTAssertEqual(whole.header("Content-Length"), "\(size)")
    var verifier = TestPattern()
    try client.readBody(size) { verifier.verify($0) }
    XCTAssertEqual(verifier.offset, size)
    XCTAssertEqual(verifier.mismatches, 0)
    try client.send("HEAD /quick/file HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse(bodyless: true).header("Content-Length"), "\(size)")
    try client.send("GET /quick/again HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /quick/again")
    let records = server.handler.completed(atLeast: 4)
    XCTAssertEqual(
      records.filter { $0.head.path == "/quick/file" }.map(\.bodyBytesSent).sorted(),
      [0, 4096, Int64(size)])
  }

  func testALentDescriptorIsNeverClosedByTheServer() throws {
    // The object cache lends its open files (HTTPFileRegion.owner): however a response goes
    // out (loop, worker, sendfile, HEAD), the server must leave the descriptor open.
    let size = 200_000
    try start(file: size)
    let client = try server.client()
    let targets = [
      "GET /quick/file?lent=1&offset=100&count=4096", "GET /quick/file?lent=1",
      "HEAD /quick/file?lent=1", "GET /file?lent=1&offset=70000&count=1000", "GET /file?lent=1",
    ]
    for (index, target) in targets.enumerated() {
      try client.send("\(target) HTTP/1.1\r\nHost: t\r\n\r\n")
      let head = try client.readHead()
      let length = try XCTUnwrap(head.header("Content-Length").flatMap(Int.init))
      var verifier = TestPattern()
      if !target.hasPrefix("HEAD") {
        try client.readBody(length) { verifier.verify($0) }
        if !target.contains("offset") { XCTAssertEqual(verifier.mismatches, 0) }
      }
      // Reported once the response is done, descriptor released or not.
      XCTAssertEqual(server.handler.completed(atLeast: index + 1).count, index + 1)
      let lent = try XCTUnwrap(server.handler.lentFile.withLock { $0 })
      XCTAssertTrue(lent.isOpen, "\(target) closed the lent descriptor")
    }
    try client.send("GET /quick/file?offset=100&count=4096 HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().body, Array(TestPattern.first(4196).suffix(4096)))
  }

  func testAFileShorterThanItsRegionClosesTheConnection() throws {
    try start(file: 1000)
    let client = try server.client()
    try client.send("GET /quick/file?offset=0&count=5000 HTTP/1.1\r\nHost: t\r\n\r\n")
    let head = try client.readHead()
    XCTAssertEqual(head.header("Content-Length"), "5000")
    XCTAssertEqual(try XCTUnwrap(client.readUntilClosed()).count, 1000)
  }

  func testConnectionCloseFromALoopAnswer() throws {
    try start()
    let client = try server.client()
    try client.send("GET /quick/close HTTP/1.1\r\nHost: t\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertEqual(response.header("X-Answered"), "loop")
    XCTAssertTrue(client.isClosedByPeer())
    let other = try server.client()
    try other.send("GET /quick/x HTTP/1.0\r\n\r\n")
    XCTAssertEqual(try other.readResponse().header("Connection"), "close")
    XCTAssertTrue(other.isClosedByPeer())
  }

  func testALargeLoopAnswerToASlowReaderIsFinishedByTheLoop() throws {
    // 64 KiB answers pipelined faster than they are read fill the socket buffers, so the
    // loop must wait for room mid-answer; it does so itself, without a worker (a slow reader
    // never holds one), and every byte still arrives in order.
    let size = 64 * 1024
    try start(file: size)
    let client = try server.client()
    // A fixed receive buffer stops autotuning, so 7.5 MiB cannot all be in flight.
    var receiveBuffer: Int32 = 64 * 1024
    setsockopt(
      client.fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, socklen_t(MemoryLayout<Int32>.size))
    let count = 120
    try client.send(
      (0..<count).map { _ in "GET /quick/file HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
    usleep(200_000)
    for _ in 0..<count {
      let head = try client.readHead()
      XCTAssertEqual(head.header("Content-Length"), "\(size)")
      var verifier = TestPattern()
      try client.readBody(size) { verifier.verify($0) }
      XCTAssertEqual(verifier.mismatches, 0)
    }
    let records = server.handler.completed(atLeast: count)
    XCTAssertEqual(records.map(\.bodyBytesSent), Array(repeating: Int64(size), count: count))
    let threads = server.handler.completionThreads
    XCTAssertTrue(threads.allSatisfy { $0.hasPrefix("lake-loop") }, "\(Set(threads))")
  }
}
