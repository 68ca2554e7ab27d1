import XCTest

@testable import LakeQuery

/// Values keep their text; types and sizes are read from it on demand.
final class LakeLiteralTests: XCTestCase {
  func testTypedByTheFieldsType() {
    XCTAssertEqual(LakeLiteral("05").typed(as: .integer), .integer(5))
    XCTAssertEqual(LakeLiteral("05").typed(as: .string), .string("05"))
    XCTAssertEqual(LakeLiteral("05", quoted: true).typed(as: .decimal), .decimal(5))
    XCTAssertEqual(
      LakeLiteral("2024-05-01T12:00:00+02:00").typed(as: .timestamp),
      PartitionType.timestamp.parse("2024-05-01T10:00:00Z"))
    XCTAssertNil(LakeLiteral("parquet").typed(as: .date))
  }

  func testTextThatCannotBeBareIsQuoted() throws {
    XCTAssertFalse(LakeLiteral("2024").quoted)
    for text in ["", "a b", "and", "NULL", "é", "x'y", "(", "%"] {
      XCTAssertTrue(LakeLiteral(text).quoted, text)
    }
    XCTAssertEqual(LakeLiteral("it's").description, "'it''s'")
    XCTAssertEqual(LakeLiteral("-3.5e2").description, "-3.5e2")
    // A quote followed by a combining mark is one Character but still a quote to double
    // (found by the lake-query fuzz target).
    XCTAssertEqual(LakeLiteral("'\u{FB1}").description, "'''\u{FB1}'")
    XCTAssertEqual(LakeField.name("\"\u{301}").description, "\"\"\"\u{301}\"")
    let filter = LakeFilter.compare(.name("a\"\u{301}"), .equal, LakeLiteral("'\u{FB1}"))
    XCTAssertEqual(try LakeFilter(parsing: filter.description), filter)
  }

  func testSizesWithUnits() {
    let cases: [(String, Int64?)] = [
      ("100", 100), ("0", 0), ("100B", 100), ("100b", 100), ("10MB", 10_000_000),
      ("10mb", 10_000_000), ("1kB", 1000), ("2KB", 2000), ("512KiB", 524_288),
      ("1.5GiB", 1_610_612_736), ("1.5GB", 1_500_000_000), ("2TB", 2_000_000_000_000),
      ("1TiB", 1 << 40), ("1PiB", 1 << 50), ("3PB", 3_000_000_000_000_000),
      ("7EiB", 7 << 60), ("9.2EB", 9_200_000_000_000_000_000), ("1.25KiB", 1280),
      ("0.5KB", 500), (".5KB", 500), ("1.000000000000000000000MiB", 1 << 20),
      ("10 MB", 10_000_000), ("9223372036854775807", Int64.max),
      // Not sizes: signs, fractions of a byte, overflow, unknown units, malformed numbers.
      ("-1", nil), ("+1", nil), ("1.5", nil), ("0.1KiB", nil), ("8EiB", nil), ("9.3EB", nil),
      ("9223372036854775808", nil), ("99999999999999999999999999999999999999999999", nil),
      ("10M", nil), ("10K", nil), ("10 ", nil), ("MB", nil), ("", nil), ("1.", nil),
      (".", nil), ("1..5MB", nil), ("1e3", nil), ("10MBs", nil), (" 10", nil),
    ]
    for (text, bytes) in cases {
      XCTAssertEqual(LakeLiteral(text).byteCount, bytes, text)
    }
  }
}
