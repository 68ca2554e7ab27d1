import XCTest

@testable import LakeHTTP

final class HTTPResponseSerializerTests: XCTestCase {
  private func plan(
    _ status: Int, _ headers: HTTPHeaders = HTTPHeaders(), body: HTTPResponseBody = .empty,
    method: String = "GET", version: HTTPVersion = .http1Dot1, keepAlive: Bool = true
  ) -> HTTPResponseSerializer.Plan {
    HTTPResponseSerializer.plan(
      HTTPResponseHead(status: status, headers: headers), body: body, method: method,
      version: version, keepAlive: keepAlive, date: "Sun, 06 Nov 1994 08:49:37 GMT")
  }

  private func text(_ plan: HTTPResponseSerializer.Plan) -> String {
    String(decoding: plan.bytes, as: UTF8.self)
  }

  func testSerialisesStatusLineFieldsAndServerFields() {
    let result = plan(200, ["ETag": "\"abc\""], body: .bytes([1, 2, 3]))
    XCTAssertEqual(
      text(result),
      "HTTP/1.1 200 OK\r\nETag: \"abc\"\r\nContent-Length: 3\r\n"
        + "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: LakeStore\r\n\r\n")
    XCTAssertTrue(result.writesBody)
  }

  func testContentLengthRules() {
    XCTAssertEqual(plan(200).headers["Content-Length"], "0")
    XCTAssertEqual(
      plan(200, ["Content-Length": "99"]).headers["Content-Length"], "0",
      "an empty body that is written must not announce bytes")
    XCTAssertEqual(
      plan(200, ["content-length": "99"], method: "HEAD").headers["Content-Length"], "99")
    XCTAssertEqual(plan(200, method: "HEAD").headers["Content-Length"], "0")
    XCTAssertEqual(plan(304, ["Content-Length": "99"]).headers["Content-Length"], "99")
    XCTAssertNil(plan(304).headers["Content-Length"])
    XCTAssertNil(plan(204, ["Content-Length": "5"]).headers["Content-Length"])
    XCTAssertNil(plan(101).headers["Content-Length"])
    XCTAssertEqual(
      plan(200, ["Content-Length": "1"], body: .bytes([1, 2])).headers.values("content-length"),
      ["2"])
    let file = HTTPFileRegion(descriptor: -1, offset: 10, count: 1234)
    XCTAssertEqual(plan(206, body: .file(file)).headers["Content-Length"], "1234")
    XCTAssertEqual(plan(200, body: .file(file), method: "HEAD").headers["Content-Length"], "1234")
  }

  func testBodyIsWrittenOnlyWhenAllowed() {
    XCTAssertTrue(plan(200, body: .bytes([1])).writesBody)
    XCTAssertFalse(plan(200, body: .bytes([1]), method: "HEAD").writesBody)
    XCTAssertFalse(plan(204, body: .bytes([1])).writesBody)
    XCTAssertFalse(plan(304, body: .bytes([1])).writesBody)
  }

  func testConnectionField() {
    XCTAssertNil(plan(200).headers["Connection"])
    XCTAssertEqual(plan(200, keepAlive: false).headers["Connection"], "close")
    XCTAssertEqual(plan(200, version: .http1Dot0).headers["Connection"], "keep-alive")
    XCTAssertEqual(
      plan(200, ["Connection": "keep-alive"], keepAlive: false).headers["Connection"], "close")
  }

  func testTransferEncodingIsDroppedAndHandlerDateKept() {
    let result = plan(200, ["Transfer-Encoding": "chunked", "Date": "x", "Server": "y"])
    XCTAssertFalse(result.headers.contains("Transfer-Encoding"))
    XCTAssertEqual(result.headers["Date"], "x")
    XCTAssertEqual(result.headers["Server"], "y")
  }

  func testResponseSplittingBytesAreNeutralised() {
    let result = plan(200, ["X-Evil": "a\r\nSet-Cookie: b"])
    XCTAssertTrue(text(result).contains("X-Evil: a  Set-Cookie: b\r\n"))
  }

  func testUnknownStatusStillHasAReason() {
    XCTAssertTrue(text(plan(599)).hasPrefix("HTTP/1.1 599 "))
  }

  func testErrorResponse() {
    let text = String(
      decoding: HTTPResponseSerializer.errorResponse(HTTPResponse(status: 431), date: "D"),
      as: UTF8.self)
    XCTAssertEqual(
      text,
      "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n"
        + "Date: D\r\nServer: LakeStore\r\n\r\n")
  }

  func testErrorResponseCarriesTheHandlersHeadersAndBody() {
    let response = HTTPResponse(
      status: 503, headers: ["Content-Type": "application/xml", "Connection": "keep-alive"],
      body: .bytes(Array("<Error/>".utf8)))
    let text = String(
      decoding: HTTPResponseSerializer.errorResponse(response, date: "D"), as: UTF8.self)
    XCTAssertEqual(
      text,
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nConnection: close\r\n"
        + "Content-Length: 8\r\nDate: D\r\nServer: LakeStore\r\n\r\n<Error/>")
  }

  func testIMFFixdate() {
    XCTAssertEqual(HTTPDate.format(secondsSinceEpoch: 784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
    XCTAssertEqual(HTTPDate.format(secondsSinceEpoch: 0), "Thu, 01 Jan 1970 00:00:00 GMT")
    var cache = HTTPDate.Cache()
    XCTAssertEqual(cache.now().count, 29)
  }
}
