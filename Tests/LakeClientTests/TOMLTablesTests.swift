import LakeTOML
import XCTest

final class TOMLTablesTests: XCTestCase {
  func testTablesKeysAndEscapes() throws {
    let text = """
      # comment
      top = 1
      [default]
      endpoint = "http://127.0.0.1:9000"  # trailing comment
      secret_key = "a\\"b\\\\c"
      [other]
      region = eu-west-1
      """
    let tables = try TOMLTables.parse(text, name: "f")
    XCTAssertEqual(tables[""], ["top": "1"])
    XCTAssertEqual(tables["default"]?["endpoint"], "http://127.0.0.1:9000")
    XCTAssertEqual(tables["default"]?["secret_key"], "a\"b\\c")
    XCTAssertEqual(tables["other"], ["region": "eu-west-1"])
  }

  func testQuotedValuesReadBack() throws {
    for value in ["plain", "with \"quotes\" and \\", "tab\tnew\nline", "\u{1}ctl", "ünï"] {
      let tables = try TOMLTables.parse("k = \(TOMLTables.quoted(value))\n", name: "f")
      XCTAssertEqual(tables[""]?["k"], value)
    }
  }

  func testRefusalsNameTheLine() {
    let cases = [
      "a = 1\na = 2": "f:2: 'a' is set twice",
      "[t]\n[t]": "f:2: table 't' is opened twice",
      "a = \"open": "f:1: unterminated string",
      "a = [1, 2]": "f:1: only strings, numbers and booleans are allowed",
      "just text": "f:1: expected 'key = value'",
      "a = \"x\" y": "f:1: unexpected text after the value",
      "[bad name]": "f:1: bad table name 'bad name'",
    ]
    for (text, message) in cases {
      XCTAssertThrowsError(try TOMLTables.parse(text, name: "f"), text) { error in
        XCTAssertEqual((error as? TOMLTables.ParseError)?.message, message, text)
      }
    }
  }
}
