import XCTest

@testable import LakeHTTP

final class HTTPHeadersTests: XCTestCase {
  func testLookupIsCaseInsensitiveAndOrderIsKept() {
    var headers = HTTPHeaders([("Content-Type", "text/plain"), ("X-A", "1"), ("x-a", "2")])
    XCTAssertEqual(headers["content-type"], "text/plain")
    XCTAssertEqual(headers["X-A"], "1")
    XCTAssertEqual(headers.values("X-a"), ["1", "2"])
    XCTAssertTrue(headers.contains("CONTENT-TYPE"))
    XCTAssertFalse(headers.contains("Content-Typ"))
    XCTAssertEqual(headers.count, 3)
    headers.add(name: "B", value: "3")
    XCTAssertEqual(headers.map(\.name), ["Content-Type", "X-A", "x-a", "B"])
  }

  func testReplaceOrAddAndRemove() {
    var headers = HTTPHeaders([("X-A", "1"), ("Y", "y"), ("x-a", "2")])
    headers.replaceOrAdd(name: "x-A", value: "3")
    XCTAssertEqual(headers.map(\.name), ["x-A", "Y"])
    XCTAssertEqual(headers["X-A"], "3")
    headers.replaceOrAdd(name: "Z", value: "z")
    XCTAssertEqual(headers.map(\.value), ["3", "y", "z"])
    headers.remove(name: "y")
    XCTAssertEqual(headers.map(\.name), ["x-A", "Z"])
  }

  func testNamesDifferingOnlyInNonLettersAreDifferent() {
    XCTAssertFalse(HTTPHeaders.equalNames("a-b", "a\rb"))
    XCTAssertFalse(HTTPHeaders.equalNames("[", "{"))
    XCTAssertTrue(HTTPHeaders.equalNames("ETag", "etag"))
    XCTAssertFalse(HTTPHeaders.equalNames("ETag", "ETags"))
  }

  func testTokens() {
    let headers = HTTPHeaders([("Connection", " Keep-Alive , ,Upgrade"), ("connection", "close")])
    XCTAssertEqual(headers.tokens("connection"), ["keep-alive", "upgrade", "close"])
  }

  func testRequestHeadSplitsPathAndQuery() {
    let head = HTTPRequestHead(method: "GET", target: "/b/k%3Fx?a=1?b")
    XCTAssertEqual(head.path, "/b/k%3Fx")
    XCTAssertEqual(head.query, "a=1?b")
  }
}
