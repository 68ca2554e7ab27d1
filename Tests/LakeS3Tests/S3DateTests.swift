import Foundation
import XCTest

@testable import LakeS3

final class S3DateTests: XCTestCase {
  func testFormatsAndParses() throws {
    let date = try XCTUnwrap(S3Date.parseAmzDate("20130524T013005Z"))
    XCTAssertEqual(S3Date.httpDate(date), "Fri, 24 May 2013 01:30:05 GMT")
    XCTAssertEqual(S3Date.iso8601(date + 0.25), "2013-05-24T01:30:05.250Z")
    XCTAssertEqual(S3Date.amzDate(date), "20130524T013005Z")
    XCTAssertEqual(S3Date.parseHTTPDate("Fri, 24 May 2013 01:30:05 GMT"), date)
    XCTAssertEqual(S3Date.parseHTTPDate("Friday, 24-May-13 01:30:05 GMT"), date)
    XCTAssertEqual(S3Date.parseHTTPDate("Fri May 24 01:30:05 2013"), date)
    XCTAssertEqual(S3Date.parseHTTPDate("2013-05-24T01:30:05.000Z"), date)
    XCTAssertNil(S3Date.parseHTTPDate("yesterday"))
    XCTAssertNil(S3Date.parseAmzDate("20131324T013005Z"))
  }

  func testURIEncoding() {
    XCTAssertEqual(URIEncoding.encode("a b/c~d=é", keepSlash: true), "a%20b/c~d%3D%C3%A9")
    XCTAssertEqual(URIEncoding.encode("a/b", keepSlash: false), "a%2Fb")
    XCTAssertEqual(URIEncoding.decode("a%2fb+c", plusIsSpace: false), "a/b+c")
    XCTAssertEqual(URIEncoding.decode("a+b", plusIsSpace: true), "a b")
    XCTAssertNil(URIEncoding.decode("%e9", plusIsSpace: false))
    XCTAssertNil(URIEncoding.decode("%g1", plusIsSpace: false))
  }
}
