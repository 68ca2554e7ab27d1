import Foundation
import XCTest

@testable import LakeQuery

/// Partition columns compare as numbers or ISO dates only when every value parses as one.
final class PartitionTypeTests: XCTestCase {
  func testInferenceTakesTheNarrowestTypeEveryValueHas() {
    XCTAssertEqual(PartitionType.infer(["2024", "05", "-3", nil]), .integer)
    XCTAssertEqual(PartitionType.infer(["1", "2.5", "3e2"]), .decimal)
    XCTAssertEqual(PartitionType.infer(["2024-05-01", "2024-02-29"]), .date)
    XCTAssertEqual(PartitionType.infer(["2024-05-01", "2024-05-01T10:00:00Z"]), .timestamp)
    XCTAssertEqual(PartitionType.infer(["2024-05-01", "2023-02-29"]), .string)
    XCTAssertEqual(PartitionType.infer(["1", "eu"]), .string)
    XCTAssertEqual(PartitionType.infer([nil, nil]), .string)
    XCTAssertEqual(PartitionType.infer([String?]()), .string)
  }

  func testNumbersCompareAsNumbers() {
    let values = ["10", "9", "-1", "05"].map { PartitionType.integer.parse($0)! }
    XCTAssertEqual(values.sorted(), [.integer(-1), .integer(5), .integer(9), .integer(10)])
    XCTAssertNil(PartitionType.integer.parse("9223372036854775808"))
    XCTAssertEqual(PartitionType.integer.parse("-9223372036854775808"), .integer(Int64.min))
    for text in ["", "+", "1.0", " 1", "0x10", "١"] {
      XCTAssertNil(PartitionType.integer.parse(text), text)
    }
    XCTAssertEqual(PartitionType.decimal.parse("-.5"), .decimal(-0.5))
    for text in [".", "1e", "e5", "inf", "nan", "0x1p3", "1e999", "1.2.3"] {
      XCTAssertNil(PartitionType.decimal.parse(text), text)
    }
  }

  func testDatesAndTimestamps() {
    XCTAssertEqual(PartitionType.date.parse("1970-01-01"), .date(0))
    XCTAssertEqual(PartitionType.date.parse("2024-05-01"), .date(19_844))
    XCTAssertEqual(PartitionType.date.parse("1969-12-31"), .date(-1))
    XCTAssertEqual(PartitionType.date.parse("2000-02-29"), .date(11_016))
    for text in ["2024-13-01", "2024-04-31", "1900-02-29", "2024-5-01", "2024-05-01T00:00"] {
      XCTAssertNil(PartitionType.date.parse(text), text)
    }
    let day: Int64 = 19_844 * 86_400_000_000
    XCTAssertEqual(PartitionType.timestamp.parse("2024-05-01"), .timestamp(day))
    XCTAssertEqual(
      PartitionType.timestamp.parse("2024-05-01 10:30"), .timestamp(day + 37_800_000_000))
    XCTAssertEqual(
      PartitionType.timestamp.parse("2024-05-01T10:30:15.25Z"),
      .timestamp(day + 37_815_250_000))
    XCTAssertEqual(
      PartitionType.timestamp.parse("2024-05-01T12:30:00+02:00"),
      PartitionType.timestamp.parse("2024-05-01T10:30:00Z"))
    for text in [
      "2024-05-01T24:00", "2024-05-01T10:60", "2024-05-01T10", "2024-05-01T10:00:00.",
      "2024-05-01T10:00+0200", "2024-05-01T10:00:00.1234567890",
    ] {
      XCTAssertNil(PartitionType.timestamp.parse(text), text)
    }
  }

  func testStringsCompareByteByByteAndTypesByCase() {
    XCTAssertLessThan(TypedValue.string("B"), .string("a"))
    XCTAssertLessThan(TypedValue.string("a"), .string("ab"))
    XCTAssertLessThan(TypedValue.integer(99), .string("1"))
  }

  /// Short decimals take a fast path (no strtod); it reads every one exactly as strtod does.
  func test_short_decimals_read_exactly_as_strtod_reads_them() {
    var generator = SystemRandomNumberGenerator()
    var texts = ["0.1", "-0", "-0.0", "+7.25", ".5", "5.", "999999999999999", "0.000000000000001"]
    for _ in 0..<20_000 {
      let digits = Int.random(in: 1...15, using: &generator)
      var text = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &generator)) }
        .joined()
      let point = Int.random(in: 0...digits, using: &generator)
      text.insert(".", at: text.index(text.startIndex, offsetBy: point))
      if Bool.random(using: &generator) { text = "-" + text }
      texts.append(text)
    }
    for text in texts {
      let expected = strtod(text, nil)
      let read = ISOText.decimal(text)
      XCTAssertEqual(read?.bitPattern, expected.bitPattern, text)
    }
  }
}
