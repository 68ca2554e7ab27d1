import XCTest

@testable import LakeQuery

/// Invalid query text: every error names the offending token and where it starts.
final class LakeFilterErrorTests: XCTestCase {
  private func error(_ text: String, limits: LakeQueryLimits = LakeQueryLimits())
    -> LakeQuerySyntaxError?
  {
    do {
      let filter = try LakeFilter(parsing: text, limits: limits)
      XCTFail("'\(text)' parsed as \(filter)")
      return nil
    } catch {
      return error
    }
  }

  /// (text, offset, token).
  static let invalidCases: [(String, Int, String)] = [
    ("", 0, "end of input"),
    ("   ", 3, "end of input"),
    ("year=", 5, "end of input"),
    ("year = AND month=1", 7, "AND"),
    ("year => 2024", 5, "=>"),
    ("year == 2024", 5, "=="),
    ("year =< 2024", 5, "=<"),
    ("year ! 2024", 5, "!"),
    ("(year=2024", 10, "end of input"),
    ("((year=2024) AND x=1", 20, "end of input"),
    ("year=2024)", 9, ")"),
    ("year=2024 month=05", 10, "month"),
    ("a = 1 (b = 2)", 6, "("),
    ("()", 1, ")"),
    ("month IN ()", 10, ")"),
    ("month IN (1,)", 12, ")"),
    ("month IN (1 2)", 12, "2"),
    ("month IN 1", 9, "1"),
    ("month IN (1", 11, "end of input"),
    ("name = 'abc", 7, "'abc"),
    ("x\"abc = 1", 1, "\"abc = 1"),
    ("in = 1", 0, "in"),
    ("x = 1 AND Between = 2", 10, "Between"),
    ("year 2024", 5, "2024"),
    ("year", 4, "end of input"),
    ("a = 1 AND", 9, "end of input"),
    ("a = 1 OR OR b = 2", 9, "OR"),
    ("NOT", 3, "end of input"),
    ("a BETWEEN 1 OR 2", 12, "OR"),
    ("a BETWEEN AND 2", 10, "AND"),
    ("a IS 1", 5, "1"),
    ("a IS NOT 1", 9, "1"),
    ("a NOT = 1", 6, "="),
    ("a NOT NULL", 6, "NULL"),
    ("a LIKE abc", 7, "abc"),
    (#"a LIKE 'x\'"#, 7, #"'x\'"#),
    (#"a LIKE 'x\y'"#, 7, #"'x\y'"#),
    ("foo.bar = 1", 0, "foo.bar"),
    ("object.sizes = 1", 0, "object.sizes"),
    ("object.Size = 1", 0, "object.Size"),
    ("partition.a.b = 1", 0, "partition.a.b"),
    ("partition. = 1", 11, "="),
    ("partition.\"\" = 1", 10, "\"\""),
    ("year-month = 1", 0, "year-month"),
    ("2024 = year", 0, "2024"),
    ("\"\" = 1", 0, "\"\""),
    ("a = null", 4, "null"),
    ("a = \"x\"", 4, "\"x\""),
    ("a = 1; drop", 5, ";"),
    ("a & b", 2, "&"),
    ("a = 1 ∧ b = 2", 6, "∧"),
    ("\"é\" = 1 AND =", 12, "="),
    ("a = 1\nAND b = ", 14, "end of input"),
    ("a IN ('x', \"y\")", 11, "\"y\""),
    ("= 1", 0, "="),
    (", a = 1", 0, ","),
  ]

  func testInvalidQueriesNameTheOffendingToken() {
    for (text, offset, token) in Self.invalidCases {
      guard let error = error(text) else { continue }
      XCTAssertEqual(error.offset, offset, "\(text): \(error)")
      XCTAssertEqual(error.token, token, "\(text): \(error)")
      XCTAssertTrue(error.description.contains(token), "\(text): \(error)")
    }
  }

  func testDescriptionAndCaret() throws {
    let text = "year=2024 AND month>= AND x"
    let error = try XCTUnwrap(error(text))
    XCTAssertEqual(error.description, "expected a value after '>=' at column 23, found 'AND'")
    XCTAssertEqual(
      error.annotated(text),
      "year=2024 AND month>= AND x\n" + String(repeating: " ", count: 22) + "^^^")
    let multiline = "a = 1\n\tAND b = "
    let atEnd = try XCTUnwrap(self.error(multiline))
    XCTAssertEqual(atEnd.line, 2)
    XCTAssertEqual(atEnd.column, 10)
    XCTAssertEqual(
      atEnd.description, "expected a value after '=' at line 2, column 10, found end of input")
    XCTAssertEqual(atEnd.annotated(multiline), "\tAND b = \n\t        ^")
    XCTAssertEqual(
      self.error("x = 'abc")?.description, "unterminated quoted text at column 5, found ''abc'")
    XCTAssertEqual(
      self.error("x => 1")?.description, "unknown operator at column 3, found '=>'")
    XCTAssertEqual(
      self.error("x = 1 AND in = 2")?.description,
      "a keyword cannot be a name; quote it: \"in\" at column 11, found 'in'")
    XCTAssertEqual(
      self.error("x = null")?.description,
      "expected a value after '=' (test for null with IS NULL) at column 5, found 'null'")
  }

  func testNestingIsBoundedNotAStackOverflow() throws {
    let deep =
      String(repeating: "(", count: 100_000) + "a=1" + String(repeating: ")", count: 100_000)
    let tooLong = try XCTUnwrap(error(deep))
    XCTAssertEqual(tooLong.offset, 64 * 1024)
    XCTAssertEqual(tooLong.token, "(")
    let roomy = LakeQueryLimits(maxTextLength: 1 << 20)
    let tooDeep = try XCTUnwrap(error(deep, limits: roomy))
    XCTAssertEqual(tooDeep.offset, 64)
    XCTAssertEqual(tooDeep.token, "(")
    let nots = String(repeating: "NOT ", count: 100_000) + "a=1"
    let tooManyNots = try XCTUnwrap(error(nots, limits: roomy))
    XCTAssertEqual(tooManyNots.offset, 4 * 64)
    XCTAssertEqual(tooManyNots.token, "NOT")
    let unclosed = try XCTUnwrap(error(String(repeating: "(", count: 100_000), limits: roomy))
    XCTAssertEqual(unclosed.offset, 64)
    // Exactly at the limit is fine, and so is its description.
    let limit = String(repeating: "(", count: 64) + "a=1" + String(repeating: ")", count: 64)
    XCTAssertEqual(try LakeFilter(parsing: limit), eq("a", "1"))
    let nested =
      String(repeating: "NOT (a=1 OR ", count: 32) + "b=2" + String(repeating: ")", count: 32)
    let filter = try LakeFilter(parsing: nested)
    XCTAssertEqual(filter.textDepth, 64)
    XCTAssertEqual(try LakeFilter(parsing: filter.description), filter)
  }

  func testLimits() throws {
    let small = LakeQueryLimits(
      maxTextLength: 40, maxPredicates: 2, maxInListLength: 2, maxLiteralLength: 3)
    let cases: [(String, Int, String)] = [
      ("a=1 AND b=2 AND c=3", 16, "c"),
      ("a IN (1,2,3)", 10, "3"),
      ("a = 'abcd'", 4, "'abcd'"),
      ("abcd = 1", 0, "abcd"),
      ("a LIKE 'abcd'", 7, "'abcd'"),
      ("a = 1 OR a = 1 OR a = 1 OR a = 1 OR a = é", 40, "é"),
    ]
    for (text, offset, token) in cases {
      let error = try XCTUnwrap(self.error(text, limits: small), text)
      XCTAssertEqual(error.offset, offset, "\(text): \(error)")
      XCTAssertEqual(error.token, token, "\(text): \(error)")
    }
    XCTAssertEqual(
      try LakeFilter(parsing: "a IN (1,2) OR b = 'abc'", limits: small).predicateCount, 2)
  }
}
