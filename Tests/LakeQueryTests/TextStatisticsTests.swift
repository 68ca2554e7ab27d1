import XCTest

@testable import LakeQuery

final class TextStatisticsTests: XCTestCase {
  private func csv(_ text: String, delimiter: UInt8 = UInt8(ascii: ","), chunk: Int = .max)
    throws -> TableSummary
  {
    var scanner = DelimitedScanner(delimiter: delimiter)
    let bytes = Array(text.utf8)
    var start = 0
    while start < bytes.count {
      let end = min(bytes.count, start + chunk)
      try scanner.consume(bytes[start..<end])
      start = end
    }
    return try scanner.finish()
  }

  private func jsonLines(_ text: String, chunk: Int = .max) throws -> TableSummary {
    var scanner = JSONLinesScanner()
    let bytes = Array(text.utf8)
    var start = 0
    while start < bytes.count {
      let end = min(bytes.count, start + chunk)
      try scanner.consume(bytes[start..<end])
      start = end
    }
    return try scanner.finish()
  }

  /// Dates first, then a time of day: the column becomes a timestamp column whose bounds
  /// count the dates as midnight UTC.
  func test_dates_then_a_timestamp_make_a_timestamp_column() throws {
    let table = try csv("at\n2024-05-03\n2024-05-01\n2024-05-02T12:00:00Z\n")
    XCTAssertEqual(
      table.columns,
      [
        ColumnSummary(
          name: "at", type: "timestamp", min: PartitionType.timestamp.parse("2024-05-01"),
          max: PartitionType.timestamp.parse("2024-05-03"), nullCount: 0)
      ])
  }

  /// Quoting, embedded line breaks, CRLF, a byte-order mark and empty fields, read whole and
  /// one byte at a time with the same answer.
  func test_csv_types_statistics_and_quoting() throws {
    let text =
      "\u{FEFF}id,amount,day,at,note\r\n"
      + "3,10.5,2024-05-01,2024-05-01T10:00:00Z,\"plain\"\r\n"
      + "1,,2024-04-30,2024-05-01 09:00:00,\"two\nlines, and \"\"quotes\"\"\"\r\n"
      + "\r\n"
      + "-7,1e3,2024-06-01,2024-04-30,\r\n"
      + "12,-0.25,,2024-05-02T00:00:00+02:00,zebra"  // no final line break
    for chunk in [Int.max, 1, 7] {
      let table = try csv(text, chunk: chunk)
      XCTAssertEqual(table.rowCount, 4, "chunk \(chunk)")
      XCTAssertEqual(
        table.columns,
        [
          ColumnSummary(
            name: "id", type: "integer", min: .integer(-7), max: .integer(12), nullCount: 0),
          ColumnSummary(
            name: "amount", type: "decimal", min: .decimal(-0.25), max: .decimal(1000), nullCount: 1
          ),
          ColumnSummary(
            name: "day", type: "date", min: PartitionType.date.parse("2024-04-30"),
            max: PartitionType.date.parse("2024-06-01"), nullCount: 1),
          ColumnSummary(
            name: "at", type: "timestamp", min: PartitionType.timestamp.parse("2024-04-30"),
            max: PartitionType.timestamp.parse("2024-05-02T00:00:00+02:00"), nullCount: 0),
          ColumnSummary(
            name: "note", type: "string", min: .string("plain"), max: .string("zebra"), nullCount: 1
          ),
        ], "chunk \(chunk)")
    }
    let two = try csv("a,b\n1,\"x\ny\"\n")
    XCTAssertEqual(two.columns[1].min, .string("x\ny"))
  }

  func test_tsv_and_other_delimiters() throws {
    let table = try csv("name\tscore\nann\t3\nbob\t4.5\n", delimiter: 0x09)
    XCTAssertEqual(table.rowCount, 2)
    XCTAssertEqual(table.columns.map(\.type), ["string", "decimal"])
    XCTAssertEqual(table.columns[1].max, .decimal(4.5))
  }

  func test_malformed_csv_is_reported_with_its_line() {
    XCTAssertThrowsError(try csv("a,b\n1,2\n3\n")) { error in
      XCTAssertEqual((error as? TextStatisticsError)?.line, 3, "\(error)")
    }
    XCTAssertThrowsError(try csv("a,b\n1,2,3\n"))
    XCTAssertThrowsError(try csv("a,b\n1,\"open\n")) { error in
      XCTAssertTrue("\(error)".contains("not closed"), "\(error)")
    }
  }

  /// String bounds in byte order where values share long beginnings, differ only past their
  /// 16th byte, are prefixes of one another, or start as numbers and turn to text later (the
  /// column's bounds then cover the numbers too).
  func test_string_bounds_follow_byte_order_past_shared_beginnings() throws {
    let values = [
      "2024-05-01T10:00:00+00:00 job-17", "2024-05-01T10:00:00+00:00 job-170",
      "2024-05-01T10:00:00+00:00 job-2", "2024-05-01T10:00:00+00:00", "2024-05-01T09",
      "2024-05-01T10:00:00+00:00 job-1",
    ]
    for order in [values, values.reversed()] {
      let table = try csv("s\n" + order.joined(separator: "\n") + "\n")
      XCTAssertEqual(table.columns[0].min, .string("2024-05-01T09"))
      XCTAssertEqual(table.columns[0].max, .string("2024-05-01T10:00:00+00:00 job-2"))
    }
    let mixed = try csv("code\n10\n9\n100\n0x\n")
    XCTAssertEqual(mixed.columns[0].type, "string")
    XCTAssertEqual(mixed.columns[0].min, .string("0x"))
    XCTAssertEqual(mixed.columns[0].max, .string("9"))
  }

  /// Long strings: the minimum is cut at a character boundary, the maximum is dropped.
  func test_long_strings_keep_a_valid_minimum_and_no_maximum() throws {
    let long = String(repeating: "é", count: 200)  // 400 bytes
    let table = try csv("s\n\(long)\n")
    guard case .string(let minimum)? = table.columns[0].min else { return XCTFail("\(table)") }
    XCTAssertEqual(minimum, String(repeating: "é", count: 128))
    XCTAssertNil(table.columns[0].max)
  }

  func test_json_lines_members_nulls_nesting_and_types() throws {
    let text = """
      {"id": 2, "price": 1.5, "day": "2024-05-01", "zip": "02139", "tags": ["a"], "ok": true}
      {"id": 10, "price": 3, "day": "2024-04-01", "zip": "10001", "meta": {"a": {"b": [1, {}]}}}

      {"id": -1, "price": null, "day": null, "zip": "x\\u00e9\\"", "ok": false, "id": 99}
      """
    for chunk in [Int.max, 1, 5] {
      let table = try jsonLines(text, chunk: chunk)
      XCTAssertEqual(table.rowCount, 3)
      XCTAssertEqual(
        table.columns,
        [
          ColumnSummary(
            name: "id", type: "integer", min: .integer(-1), max: .integer(10), nullCount: 0),
          ColumnSummary(
            name: "price", type: "decimal", min: .decimal(1.5), max: .decimal(3), nullCount: 1),
          ColumnSummary(
            name: "day", type: "date", min: PartitionType.date.parse("2024-04-01"),
            max: PartitionType.date.parse("2024-05-01"), nullCount: 1),
          ColumnSummary(
            name: "zip", type: "string", min: .string("02139"), max: .string("xé\""), nullCount: 0),
          ColumnSummary(name: "tags", type: "json", min: nil, max: nil, nullCount: 2),
          ColumnSummary(
            name: "ok", type: "string", min: .string("false"), max: .string("true"), nullCount: 1),
          ColumnSummary(name: "meta", type: "json", min: nil, max: nil, nullCount: 2),
        ], "chunk \(chunk)")
    }
  }

  func test_malformed_json_lines_are_reported_with_their_line() {
    for (text, line) in [
      ("{\"a\":1}\n[1,2]\n", 2), ("{\"a\":1}\n{\"a\":01}\n", 2), ("{\"a\":\"open}\n", 1),
      ("{\"a\":1} x\n", 1), ("{\"a\":tru}\n", 1),
      (
        "{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}", 1
      ),
    ] {
      XCTAssertThrowsError(try jsonLines(text), text) { error in
        XCTAssertEqual((error as? TextStatisticsError)?.line, Int64(line), "\(text): \(error)")
      }
    }
  }
}
