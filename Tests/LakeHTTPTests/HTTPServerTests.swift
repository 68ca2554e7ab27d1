import XCTest

@testable import LakeHTTP

/// Protocol behaviour of a live server, driven by a raw socket client.
final class HTTPServerTests: XCTestCase {
  private var server: TestServer!

  override func setUpWithError() throws {
    server = try TestServer()
  }

  override func tearDown() {
    server.stop()
  }

  func testKeepAliveServesTwoRequestsOnOneConnection() throws {
    let client = try server.client()
    try client.send("GET /one HTTP/1.1\r\nHost: t\r\n\r\n")
    let first = try client.readResponse()
    XCTAssertEqual(first.status, 200)
    XCTAssertEqual(first.text, "GET /one")
    XCTAssertNil(first.header("Connection"))
    try client.send("GET /two?x=1 HTTP/1.1\r\nHost: t\r\n\r\n")
    let second = try client.readResponse()
    XCTAssertEqual(second.text, "GET /two?x=1")
    let records = server.handler.completed(atLeast: 2)
    XCTAssertEqual(records.count, 2)
    XCTAssertEqual(Set(records.map(\.head.path)), ["/one", "/two"])
  }

  func testResponsesCarryDateServerAndContentLength() throws {
    let client = try server.client()
    try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.header("Server"), "LakeStore")
    XCTAssertEqual(response.header("Content-Length"), "5")
    let date = try XCTUnwrap(response.header("Date"))
    XCTAssertTrue(date.hasSuffix(" GMT"), date)
    XCTAssertEqual(date.count, 29, date)
  }

  func testPipelinedRequestsAreAnsweredInOrder() throws {
    let client = try server.client()
    try client.send(
      "GET /a HTTP/1.1\r\nHost: t\r\n\r\n"
        + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
        + "GET /c HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /a")
    XCTAssertEqual(try client.readResponse().text, "hello")
    XCTAssertEqual(try client.readResponse().text, "GET /c")
  }

  func testPipelinedHeadSplitAcrossWrites() throws {
    let client = try server.client()
    try client.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HT")
    XCTAssertEqual(try client.readResponse().text, "GET /a")
    usleep(50_000)
    try client.send("TP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /b")
  }

  func testConnectionCloseFromClient() throws {
    let client = try server.client()
    try client.send("GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.text, "GET /x")
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testConnectionCloseFromHandler() throws {
    let client = try server.client()
    try client.send("GET /close HTTP/1.1\r\nHost: t\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testHTTP10ClosesByDefault() throws {
    let client = try server.client()
    try client.send("GET /old HTTP/1.0\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.text, "GET /old")
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testHTTP10KeepAliveIsEchoed() throws {
    let client = try server.client()
    try client.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.header("Connection"), "keep-alive")
    try client.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /b")
  }

  func testHeadKeepsContentLengthWithoutBody() throws {
    let client = try server.client()
    try client.send("HEAD /thing HTTP/1.1\r\nHost: t\r\n\r\n")
    let head = try client.readResponse(bodyless: true)
    XCTAssertEqual(head.status, 200)
    XCTAssertEqual(head.header("Content-Length"), "11")
    // Had a body been written, this response would start with it.
    try client.send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /next")
  }

  func testUnknownMethodReachesHandler() throws {
    let client = try server.client()
    try client.send("BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "BREW /pot")
  }

  func testMalformedRequestGets400AndClose() throws {
    let client = try server.client()
    try client.send("GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 400)
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testMalformedPipelinedRequestAfterGoodOne() throws {
    let client = try server.client()
    try client.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\n Folded: x\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /ok")
    XCTAssertEqual(try client.readResponse().status, 400)
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testUnsupportedTransferCodingGets501() throws {
    let client = try server.client()
    try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n")
    XCTAssertEqual(try client.readResponse().status, 501)
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testSecondServerOnSamePortFailsClearly() throws {
    var configuration = HTTPServerConfiguration()
    configuration.port = server.port
    let second = HTTPServer(
      configuration: configuration, handler: TestHandler(), logger: .init(label: "t"))
    XCTAssertThrowsError(try second.start()) { error in
      XCTAssertTrue("\(error)".contains("already in use"), "\(error)")
    }
    second.shutdown()
  }

  func testStartTwiceThrowsAndShutdownIsIdempotent() throws {
    XCTAssertThrowsError(try server.server.start())
    server.stop()
    server.stop()
    XCTAssertThrowsError(try TestClient(port: server.port), "port closed after shutdown")
  }
}
