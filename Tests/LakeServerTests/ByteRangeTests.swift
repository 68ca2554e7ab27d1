import LakeS3
import XCTest

@testable import LakeServer

final class ByteRangeTests: XCTestCase {
  func testTable() {
    let cases: [(String, Int64, ByteRange)] = [
      ("bytes=0-9", 100, .range(0, 9)),
      ("bytes=90-", 100, .range(90, 99)),
      ("bytes=-10", 100, .range(90, 99)),
      ("bytes=-500", 100, .range(0, 99)),
      ("bytes=50-1000", 100, .range(50, 99)),
      ("bytes=100-", 100, .unsatisfiable),
      ("bytes=0-0", 0, .unsatisfiable),
      ("bytes=-0", 100, .unsatisfiable),
      ("bytes=5-1", 100, .ignore),
      ("bytes=0-1,5-6", 100, .ignore),
      ("items=0-1", 100, .ignore),
      ("bytes=a-b", 100, .ignore),
      // Numbers past 64 bits (issue 11): a start beyond any object, a suffix or end that
      // covers all of it. Signs and non-ASCII digits are not numbers.
      ("bytes=99999999999999999999-", 100, .unsatisfiable),
      ("bytes=9223372036854775808-9223372036854775809", 100, .unsatisfiable),
      ("bytes=-99999999999999999999", 100, .range(0, 99)),
      ("bytes=0-99999999999999999999", 100, .range(0, 99)),
      ("bytes=0-9223372036854775807", 0, .unsatisfiable),
      ("bytes=-9223372036854775807", 100, .range(0, 99)),
      ("bytes=--1", 100, .ignore),
      ("bytes=-1-5", 100, .ignore),
      ("bytes=+1-5", 100, .ignore),
      ("bytes=\u{0661}-5", 100, .ignore),
    ]
    for (header, size, expected) in cases {
      XCTAssertEqual(ByteRange.parse(header, size: size), expected, header)
    }
  }

  func testContinuationTokenRoundTrip() {
    for key in ["", "a", "logs/2024/", "é😀 key+/=", String(repeating: "x", count: 1024)] {
      XCTAssertEqual(ContinuationToken.decode(ContinuationToken.encode(key)), key)
    }
    XCTAssertNil(ContinuationToken.decode("not a token!"))
    XCTAssertNil(ContinuationToken.decode(""))
  }

  func testETagLists() {
    XCTAssertTrue(ETag.listMatches("\"abc\", \"def\"", etag: "def"))
    XCTAssertTrue(ETag.listMatches("*", etag: "x"))
    XCTAssertTrue(ETag.listMatches("W/\"abc\"", etag: "abc"))
    XCTAssertFalse(ETag.listMatches("\"abc\"", etag: "abd"))
  }
}
