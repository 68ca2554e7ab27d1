import Glibc
import XCTest

@testable import LakeHTTP

/// Request and response bodies on a live server.
final class HTTPServerBodyTests: XCTestCase {
  private var server: TestServer!
  private var filePath: String?

  override func tearDown() {
    server?.stop()
    if let filePath { unlink(filePath) }
  }

  private func start(file size: Int? = nil) throws {
    if let size { filePath = try TestPattern.makeFile(count: size) }
    server = try TestServer(handler: TestHandler(filePath: filePath))
  }

  private func pattern(_ count: Int) -> [UInt8] { TestPattern.first(count) }

  func testChunkedUploadIsDecoded() throws {
    try start()
    let client = try server.client()
    try client.send("POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
    let body = pattern(300_000)
    var offset = 0
    for size in [1, 0x10, 0x1000, 100_000] {
      try client.send(String(size, radix: 16) + ";ext=1\r\n")
      try client.send(Array(body[offset..<offset + size]) + Array("\r\n".utf8))
      offset += size
    }
    try client.send("\(String(body.count - offset, radix: 16))\r\n")
    try client.send(Array(body[offset...]) + Array("\r\n0\r\nX-Trailer: 1\r\n\r\n".utf8))
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.text.split(separator: " ").first, "300000")
    XCTAssertEqual(response.text.split(separator: " ").last, "0", "pattern mismatches")
    // The connection survives a chunked body.
    try client.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /after")
    let record = try XCTUnwrap(
      server.handler.completed(atLeast: 2).first { $0.head.path == "/count" })
    XCTAssertEqual(record.bodyBytesReceived, 300_000)
  }

  func testChunkedWithContentLengthClosesAfterResponse() throws {
    try start()
    let client = try server.client()
    try client.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.text, "hello")
    XCTAssertEqual(response.header("X-Chunked"), "true")
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testMalformedChunkedBodyFailsTheRead() throws {
    try start()
    let client = try server.client()
    try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 400)
    XCTAssertEqual(response.header("X-Body-Error"), "malformed")
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testExpectContinueIsSentWhenTheHandlerReads() throws {
    try start()
    let client = try server.client()
    try client.send(
      "PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
    let interim = try client.readResponse()
    XCTAssertEqual(interim.status, 100)
    try client.send("hello")
    let final = try client.readResponse()
    XCTAssertEqual(final.status, 200)
    XCTAssertEqual(final.text, "hello")
    try client.send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /again")
  }

  func testExpectContinueRejectedWithoutReadingClosesTheConnection() throws {
    try start()
    let client = try server.client()
    try client.send(
      "PUT /reject HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n")
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 403, "no 100 Continue before the final answer")
    XCTAssertEqual(response.text, "no")
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testSmallUnreadBodyIsDrainedAndTheConnectionKept() throws {
    try start()
    let client = try server.client()
    try client.send(
      "POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 10000\r\n\r\n"
        + String(repeating: "x", count: 10000))
    let response = try client.readResponse()
    XCTAssertEqual(response.text, "ignored")
    XCTAssertNil(response.header("Connection"))
    try client.send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /next")
  }

  func testLargeUnreadBodyClosesTheConnection() throws {
    try start()
    let client = try server.client()
    try client.send("POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\nabc")
    let response = try client.readResponse()
    XCTAssertEqual(response.text, "ignored")
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testLargeUploadIsStreamed() throws {
    try start()
    let client = try server.client()
    let size = 16 * 1024 * 1024 + 12_345
    try client.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: \(size)\r\n\r\n")
    let block = pattern(TestPattern.bytes.count * 16)
    var sent = 0
    while sent < size {
      let count = min(block.count, size - sent)
      try client.send(Array(block[0..<count]))
      sent += count
    }
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 200)
    let parts = response.text.split(separator: " ").compactMap { Int($0) }
    XCTAssertEqual(parts.count, 3)
    XCTAssertEqual(parts.first, size)
    XCTAssertGreaterThan(parts[1], 16, "read in many pieces, not buffered whole")
    XCTAssertEqual(parts.last, 0, "pattern mismatches")
  }

  func testLargeFileResponseUsesTheFileRegion() throws {
    let size = 64 * 1024 * 1024
    try start(file: size)
    let client = try server.client()
    try client.send("GET /file HTTP/1.1\r\nHost: t\r\n\r\n")
    let head = try client.readHead()
    XCTAssertEqual(head.status, 200)
    XCTAssertEqual(head.header("Content-Length"), "\(size)")
    var verifier = TestPattern()
    try client.readBody(size) { verifier.verify($0) }
    XCTAssertEqual(verifier.offset, size)
    XCTAssertEqual(verifier.mismatches, 0)
    // A range on the same connection.
    try client.send("GET /file?offset=70000&count=1000 HTTP/1.1\r\nHost: t\r\n\r\n")
    let range = try client.readResponse()
    let expected = pattern(71_000).suffix(1000)
    XCTAssertEqual(range.body, Array(expected))
    let record = try XCTUnwrap(server.handler.completed(atLeast: 1).first)
    XCTAssertEqual(record.bodyBytesSent, Int64(size))
  }

  func testHeadOfFileClosesDescriptorAndSendsNoBody() throws {
    try start(file: 100_000)
    let openBefore = openDescriptorCount()
    let client = try server.client()
    for _ in 0..<20 {
      try client.send("HEAD /file HTTP/1.1\r\nHost: t\r\n\r\n")
      let response = try client.readResponse(bodyless: true)
      XCTAssertEqual(response.header("Content-Length"), "100000")
    }
    try client.send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n")
    XCTAssertEqual(try client.readResponse().text, "GET /x")
    XCTAssertLessThanOrEqual(openDescriptorCount(), openBefore + 2, "file descriptors leaked")
  }

  func testFileShorterThanRegionClosesTheConnection() throws {
    try start(file: 1000)
    let client = try server.client()
    try client.send("GET /file?offset=0&count=5000 HTTP/1.1\r\nHost: t\r\n\r\n")
    let head = try client.readHead()
    XCTAssertEqual(head.header("Content-Length"), "5000")
    let rest = try XCTUnwrap(client.readUntilClosed())
    XCTAssertEqual(rest.count, 1000)
  }

  private func openDescriptorCount() -> Int {
    guard let directory = opendir("/proc/self/fd") else { return 0 }
    defer { closedir(directory) }
    var count = 0
    while readdir(directory) != nil { count += 1 }
    return count
  }
}
