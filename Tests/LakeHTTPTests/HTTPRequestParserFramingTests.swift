import XCTest

@testable import LakeHTTP

final class HTTPRequestParserFramingTests: XCTestCase {
  private func parse(_ head: String) -> Result<HTTPParsedRequest, HTTPParseError> {
    var parser = HTTPRequestParser()
    switch parser.parse(Array(head.utf8)) {
    case .complete(let request, _): return .success(request)
    case .failed(let error): return .failure(error)
    case .needMore: return .failure(HTTPParseError(status: 0, reason: "incomplete"))
    }
  }

  private func request(_ fields: String, version: String = "HTTP/1.1") -> HTTPParsedRequest? {
    try? parse("POST /u \(version)\r\nHost: h\r\n\(fields)\r\n").get()
  }

  private func status(_ fields: String, version: String = "HTTP/1.1") -> Int? {
    if case .failure(let error) = parse("POST /u \(version)\r\nHost: h\r\n\(fields)\r\n") {
      return error.status
    }
    return nil
  }

  func testContentLength() {
    XCTAssertEqual(request("Content-Length: 42\r\n")?.framing, .length(42))
    XCTAssertEqual(request("Content-Length: 0\r\n")?.framing, .length(0))
    XCTAssertEqual(request("Content-Length: 7, 7\r\n")?.framing, .length(7))
    XCTAssertEqual(request("Content-Length: 7\r\nContent-Length: 7\r\n")?.framing, .length(7))
    XCTAssertEqual(request("")?.framing, HTTPBodyFraming.none)
  }

  func testInvalidContentLength() {
    for value in ["-1", "+5", "abc", "1 2", "", "0x10", "99999999999999999999", "5,", "1.0"] {
      XCTAssertEqual(status("Content-Length: \(value)\r\n"), 400, value)
    }
    XCTAssertEqual(status("Content-Length: 5\r\nContent-Length: 6\r\n"), 400)
    XCTAssertEqual(status("Content-Length: 5, 6\r\n"), 400)
  }

  func testChunkedAndTransferEncodingRules() {
    let chunked = request("Transfer-Encoding: chunked\r\n")
    XCTAssertEqual(chunked?.framing, .chunked)
    XCTAssertEqual(chunked?.keepAlive, true)
    XCTAssertEqual(request("Transfer-Encoding: Chunked\r\n")?.framing, .chunked)
    XCTAssertEqual(status("Transfer-Encoding: gzip\r\n"), 501)
    XCTAssertEqual(status("Transfer-Encoding: gzip, chunked\r\n"), 501)
    XCTAssertEqual(status("Transfer-Encoding: chunked, chunked\r\n"), 400)
    XCTAssertEqual(status("Transfer-Encoding: \r\n"), 400)
    XCTAssertEqual(status("Transfer-Encoding: chunked\r\n", version: "HTTP/1.0"), 400)
  }

  func testChunkedWinsOverContentLengthAndCloses() {
    let both = request("Content-Length: 10\r\nTransfer-Encoding: chunked\r\n")
    XCTAssertEqual(both?.framing, .chunked)
    XCTAssertEqual(both?.keepAlive, false)
  }

  func testKeepAliveRules() {
    XCTAssertEqual(request("")?.keepAlive, true)
    XCTAssertEqual(request("Connection: close\r\n")?.keepAlive, false)
    XCTAssertEqual(request("Connection: Keep-Alive, Close\r\n")?.keepAlive, false)
    XCTAssertEqual(request("", version: "HTTP/1.0")?.keepAlive, false)
    XCTAssertEqual(request("Connection: keep-alive\r\n", version: "HTTP/1.0")?.keepAlive, true)
    XCTAssertEqual(
      request("Connection: keep-alive\r\n", version: "HTTP/1.0")?.head.version, .http1Dot0)
  }

  func testHostRulesByVersion() {
    XCTAssertEqual(
      (try? parse("GET / HTTP/1.0\r\n\r\n").get())?.head.version, .http1Dot0,
      "HTTP/1.0 needs no Host")
    if case .failure(let error) = parse("GET / HTTP/1.1\r\n\r\n") {
      XCTAssertEqual(error.status, 400)
    } else {
      XCTFail("HTTP/1.1 without Host must fail")
    }
  }

  func testExpectContinue() {
    XCTAssertEqual(request("Expect: 100-Continue\r\nContent-Length: 1\r\n")?.expectsContinue, true)
    XCTAssertEqual(request("Content-Length: 1\r\n")?.expectsContinue, false)
    XCTAssertEqual(
      request("Expect: 100-continue\r\nContent-Length: 1\r\n", version: "HTTP/1.0")?
        .expectsContinue,
      false)
  }
}
