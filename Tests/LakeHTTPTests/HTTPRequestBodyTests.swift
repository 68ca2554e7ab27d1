import XCTest

@testable import LakeHTTP

final class HTTPRequestBodyTests: XCTestCase {
  func testInMemoryBody() throws {
    let body = HTTPRequestBody(bytes: Array("hello world".utf8))
    XCTAssertEqual(body.declaredLength, 11)
    XCTAssertTrue(body.hasBody)
    XCTAssertFalse(body.isChunked)
    var buffer = [UInt8](repeating: 0, count: 4)
    let count = try buffer.withUnsafeMutableBytes { raw in try body.read(into: raw) }
    XCTAssertEqual(Array(buffer[0..<count]), Array("hell".utf8))
    XCTAssertEqual(try body.readAll(limit: 100), Array("o world".utf8))
    XCTAssertEqual(try body.readAll(limit: 100), [])
  }

  func testReadAllLimit() {
    let body = HTTPRequestBody(bytes: [UInt8](repeating: 1, count: 10))
    XCTAssertThrowsError(try body.readAll(limit: 9)) {
      XCTAssertEqual($0 as? HTTPBodyError, .tooLarge)
    }
    XCTAssertFalse(HTTPRequestBody(bytes: []).hasBody)
    XCTAssertNil(HTTPRequestBody(bytes: []).declaredLength)
  }
}
