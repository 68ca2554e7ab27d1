import XCTest

@testable import LakeHTTP

final class HTTPRequestParserTests: XCTestCase {
  private let simple = Array(
    "GET /b/k%20x?list-type=2&prefix=a HTTP/1.1\r\nHost: example\r\nX-Two: a\r\nx-two:  b \r\n\r\n"
      .utf8)

  /// Feeds `bytes` in pieces of `size` and returns the first non-needMore step.
  private func feed(_ bytes: [UInt8], pieces size: Int, parser: inout HTTPRequestParser)
    -> HTTPRequestParser.Step
  {
    var offset = 0
    while offset < bytes.count {
      let end = min(bytes.count, offset + size)
      let step = parser.parse(Array(bytes[offset..<end]))
      switch step {
      case .needMore: offset = end
      case .complete(let request, let consumed):
        return .complete(request, consumed: offset + consumed)
      case .failed: return step
      }
    }
    return .needMore
  }

  private func parse(_ text: String, parser: HTTPRequestParser = HTTPRequestParser())
    -> HTTPRequestParser.Step
  {
    var parser = parser
    return parser.parse(Array(text.utf8))
  }

  private func request(
    _ step: HTTPRequestParser.Step, file: StaticString = #filePath, line: UInt = #line
  )
    -> HTTPParsedRequest?
  {
    guard case .complete(let request, _) = step else {
      XCTFail("expected a request, got \(step)", file: file, line: line)
      return nil
    }
    return request
  }

  private func status(_ step: HTTPRequestParser.Step) -> Int? {
    if case .failed(let error) = step { return error.status }
    return nil
  }

  func testParsesWholeRequest() throws {
    let step = {
      var p = HTTPRequestParser()
      return p.parse(simple)
    }()
    let parsed = try XCTUnwrap(request(step))
    guard case .complete(_, let consumed) = step else { return }
    XCTAssertEqual(consumed, simple.count)
    let head = parsed.head
    XCTAssertEqual(head.method, "GET")
    XCTAssertEqual(head.target, "/b/k%20x?list-type=2&prefix=a")
    XCTAssertEqual(head.path, "/b/k%20x")
    XCTAssertEqual(head.query, "list-type=2&prefix=a")
    XCTAssertEqual(head.version, .http1Dot1)
    XCTAssertEqual(head.headers["host"], "example")
    XCTAssertEqual(head.headers.values("X-TWO"), ["a", "b"])
    XCTAssertEqual(head.headers.map(\.name), ["Host", "X-Two", "x-two"])
    XCTAssertEqual(parsed.framing, HTTPBodyFraming.none)
    XCTAssertTrue(parsed.keepAlive)
    XCTAssertFalse(parsed.expectsContinue)
  }

  func testSplitAtEveryByteAndInBatches() throws {
    let body = Array("hello".utf8)
    let bytes = Array("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n".utf8) + body
    for size in [1, 2, 3, 7, 16, bytes.count] {
      var parser = HTTPRequestParser()
      let step = feed(bytes, pieces: size, parser: &parser)
      guard case .complete(let parsed, let consumed) = step else {
        return XCTFail("pieces of \(size): \(step)")
      }
      XCTAssertEqual(consumed, bytes.count - body.count, "pieces of \(size)")
      XCTAssertEqual(parsed.framing, .length(5))
      XCTAssertEqual(parsed.head.headers["content-length"], "5")
    }
    // Split into two pieces at every position.
    for split in 1..<bytes.count - body.count {
      var parser = HTTPRequestParser()
      guard case .needMore = parser.parse(Array(bytes[..<split])) else {
        return XCTFail("split at \(split) completed early")
      }
      guard case .complete(_, let consumed) = parser.parse(Array(bytes[split...])) else {
        return XCTFail("split at \(split) did not complete")
      }
      XCTAssertEqual(split + consumed, bytes.count - body.count)
    }
  }

  func testPipelinedHeadsAndParserReuse() throws {
    let one = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
    let two = "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n"
    var parser = HTTPRequestParser()
    let bytes = Array((one + two).utf8)
    guard case .complete(let first, let consumed) = parser.parse(bytes) else {
      return XCTFail("first head")
    }
    XCTAssertEqual(first.head.path, "/1")
    XCTAssertEqual(consumed, one.utf8.count)
    XCTAssertFalse(parser.hasPartialHead)
    let second = try XCTUnwrap(request(parser.parse(Array(bytes[consumed...]))))
    XCTAssertEqual(second.head.path, "/2")
  }

  func testLeadingEmptyLinesAndBareLineFeedsAreAccepted() throws {
    let parsed = try XCTUnwrap(request(parse("\r\n\r\nGET / HTTP/1.1\nHost: h\n\n")))
    XCTAssertEqual(parsed.head.target, "/")
    XCTAssertNil(parsed.head.query)
    XCTAssertEqual(parsed.head.headers["Host"], "h")
  }

  func testEmptyQueryAndUnknownMethod() throws {
    let parsed = try XCTUnwrap(request(parse("BREW /pot? HTTP/1.1\r\nHost: h\r\n\r\n")))
    XCTAssertEqual(parsed.head.method, "BREW")
    XCTAssertEqual(parsed.head.path, "/pot")
    XCTAssertEqual(parsed.head.query, "")
  }

  func testMalformedRequestLines() {
    let cases = [
      "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET /\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n",
      "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTQ/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/11\r\nHost: h\r\n\r\n",
      "GET /a\u{7F}b HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET /a\rb HTTP/1.1\r\nHost: h\r\n\r\n",
    ]
    for text in cases {
      XCTAssertEqual(status(parse(text)), 400, text.debugDescription)
    }
    XCTAssertEqual(status(parse("GET / HTTP/2.0\r\nHost: h\r\n\r\n")), 505)
  }

  func testMalformedFields() {
    let cases = [
      "GET / HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n  continued\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n\tcontinued\r\n\r\n",
      "GET / HTTP/1.1\r\n Host: h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\n: empty-name\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX-Bad: a\u{0}b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX-Bad: a\rb\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    ]
    for text in cases {
      XCTAssertEqual(status(parse(text)), 400, text.debugDescription)
    }
  }

  func testFailureIsSticky() {
    var parser = HTTPRequestParser()
    XCTAssertEqual(status(parser.parse(Array("BAD\r\n".utf8))), 400)
    XCTAssertEqual(status(parser.parse(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))), 400)
  }

  func testRequestLineLimit() {
    let limited = HTTPRequestParser(maxRequestLineBytes: 32, maxHeaderBytes: 1024)
    let longTarget = "/" + String(repeating: "a", count: 40)
    XCTAssertEqual(
      status(parse("GET \(longTarget) HTTP/1.1\r\nHost: h\r\n\r\n", parser: limited)), 400)
    // Detected before the line ends.
    var parser = limited
    XCTAssertEqual(status(parser.parse(Array("GET \(longTarget)".utf8))), 400)
    // Exactly at the limit is fine (the CRLF does not count).
    let line = "GET /" + String(repeating: "a", count: 32 - 14) + " HTTP/1.1"
    XCTAssertEqual(line.utf8.count, 32)
    XCTAssertNotNil(request(parse(line + "\r\nHost: h\r\n\r\n", parser: limited)))
  }

  func testHeaderBytesLimit() {
    let limited = HTTPRequestParser(maxRequestLineBytes: 1024, maxHeaderBytes: 100)
    let big = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: \(String(repeating: "v", count: 100))\r\n\r\n"
    XCTAssertEqual(status(parse(big, parser: limited)), 431)
    var parser = limited
    var step = HTTPRequestParser.Step.needMore
    for byte in big.utf8 {
      step = parser.parse([byte])
      if case .failed = step { break }
    }
    XCTAssertEqual(status(step), 431)
  }

  /// Found by the `http-head` fuzz target: empty lines, then a request line too long for
  /// both limits, gave 400 read whole and 431 read a byte at a time. The limit broken at the
  /// earlier byte wins, however the bytes arrive.
  func testLimitDoesNotDependOnHowBytesArrive() {
    let limited = HTTPRequestParser(maxRequestLineBytes: 40, maxHeaderBytes: 160)
    let cases: [(String, Int)] = [
      // The head limit breaks first (byte 161, 33 bytes into the line).
      (String(repeating: "\n", count: 128) + String(repeating: "x", count: 124) + "\n", 431),
      // The line limit breaks first (byte 41 of the line, 71 of the head).
      (String(repeating: "\n", count: 30) + String(repeating: "x", count: 200) + "\n", 400),
      // Both at the same byte: the request line's limit is reported.
      (String(repeating: "\n", count: 120) + String(repeating: "x", count: 60), 400),
      // A CR just past the line limit breaks it only when another byte follows.
      (
        String(repeating: "\r\n", count: 59) + "GET /" + String(repeating: "a", count: 26)
          + " HTTP/1.1\r\r", 400
      ),
    ]
    for (text, expected) in cases {
      let bytes = Array(text.utf8)
      for size in [1, 2, 7, 29, bytes.count] {
        var parser = limited
        XCTAssertEqual(status(feed(bytes, pieces: size, parser: &parser)), expected, "\(size)")
      }
    }
  }

  func testHeaderCountLimit() {
    let limited = HTTPRequestParser(maxHeaderCount: 3)
    let three = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n"
    XCTAssertNotNil(request(parse(three, parser: limited)))
    let four = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
    XCTAssertEqual(status(parse(four, parser: limited)), 431)
  }
}
