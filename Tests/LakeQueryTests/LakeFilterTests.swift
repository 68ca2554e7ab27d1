import XCTest

@testable import LakeQuery

/// Shorthands for expected trees: a bare name, a bare value, a quoted value.
func n(_ name: String) -> LakeField { .name(name) }
func v(_ text: String) -> LakeLiteral { LakeLiteral(text) }
func q(_ text: String) -> LakeLiteral { LakeLiteral(text, quoted: true) }
func eq(_ name: String, _ value: String) -> LakeFilter { .compare(n(name), .equal, v(value)) }

/// Query text to trees: precedence, flattening, quoting, keyword case, every predicate form.
final class LakeFilterTests: XCTestCase {
  /// Every valid case; the round-trip tests (text and JSON) run over all of them.
  static let validCases: [(String, LakeFilter)] = [
    ("year=2024", eq("year", "2024")),
    (
      "year=2024 AND month>=05 AND amount>100",
      .and([
        eq("year", "2024"), .compare(n("month"), .greaterOrEqual, v("05")),
        .compare(n("amount"), .greater, v("100")),
      ])
    ),
    // Precedence: NOT > AND > OR; parentheses; flattening of same-kind groups.
    ("a=1 OR b=2 AND c=3", .or([eq("a", "1"), .and([eq("b", "2"), eq("c", "3")])])),
    ("a=1 AND b=2 OR c=3", .or([.and([eq("a", "1"), eq("b", "2")]), eq("c", "3")])),
    ("(a=1 OR b=2) AND c=3", .and([.or([eq("a", "1"), eq("b", "2")]), eq("c", "3")])),
    ("NOT a=1 AND b=2", .and([.not(eq("a", "1")), eq("b", "2")])),
    ("NOT (a=1 OR b=2)", .not(.or([eq("a", "1"), eq("b", "2")]))),
    ("NOT NOT a=1", .not(.not(eq("a", "1")))),
    ("NOT (a=1 AND b=2) OR c=3", .or([.not(.and([eq("a", "1"), eq("b", "2")])), eq("c", "3")])),
    (
      "(a=1 AND b=2) AND (c=3 AND d=4)",
      .and([eq("a", "1"), eq("b", "2"), eq("c", "3"), eq("d", "4")])
    ),
    ("a=1 OR (b=2 OR (c=3))", .or([eq("a", "1"), eq("b", "2"), eq("c", "3")])),
    ("((a=1))", eq("a", "1")),
    (
      "(a=1 OR b=2) AND (c=3 OR (d=4 AND e=5))",
      .and([
        .or([eq("a", "1"), eq("b", "2")]),
        .or([eq("c", "3"), .and([eq("d", "4"), eq("e", "5")])]),
      ])
    ),
    // Keywords in any case; blanks of any kind, or none where unambiguous.
    (
      "year = 2024 and Month >= 05 oR x<>1",
      .or([
        .and([eq("year", "2024"), .compare(n("Month"), .greaterOrEqual, v("05"))]),
        .compare(n("x"), .notEqual, v("1")),
      ])
    ),
    ("  year\t=\n2024  ", eq("year", "2024")),
    (
      "a=1 AND b!=2 AND c<>3 AND d<4 AND e<=5 AND f>6 AND g>=7",
      .and([
        eq("a", "1"), .compare(n("b"), .notEqual, v("2")), .compare(n("c"), .notEqual, v("3")),
        .compare(n("d"), .less, v("4")), .compare(n("e"), .lessOrEqual, v("5")),
        .compare(n("f"), .greater, v("6")), .compare(n("g"), .greaterOrEqual, v("7")),
      ])
    ),
    // IN, BETWEEN, IS NULL, LIKE and their negations.
    ("month IN (04, 05)", .in(n("month"), [v("04"), v("05")], negated: false)),
    ("month not in ('04','05')", .in(n("month"), [q("04"), q("05")], negated: true)),
    ("x IN(1)", .in(n("x"), [v("1")], negated: false)),
    ("NOT x IN (1)", .not(.in(n("x"), [v("1")], negated: false))),
    (
      "amount BETWEEN 10 AND 20 AND y=1",
      .and([.between(n("amount"), v("10"), v("20"), negated: false), eq("y", "1")])
    ),
    ("amount NOT BETWEEN -5 AND 5", .between(n("amount"), v("-5"), v("5"), negated: true)),
    ("region IS NULL", .isNull(n("region"), negated: false)),
    ("region is not null", .isNull(n("region"), negated: true)),
    ("key LIKE 'sales/%.csv'", .like(n("key"), "sales/%.csv", negated: false)),
    (#"key NOT LIKE '%\_tmp\%\\'"#, .like(n("key"), #"%\_tmp\%\\"#, negated: true)),
    ("key like ''", .like(n("key"), "", negated: false)),
    // Qualified fields, quoted names.
    ("partition.year=2024", .compare(.partition("year"), .equal, v("2024"))),
    ("PARTITION.Year = 1", .compare(.partition("Year"), .equal, v("1"))),
    ("column.amount > 100", .compare(.column("amount"), .greater, v("100"))),
    ("meta.Owner = alice", .compare(.metadata("owner"), .equal, v("alice"))),
    ("Meta.\"Data-Class\" = 'x'", .compare(.metadata("data-class"), .equal, q("x"))),
    ("object.size > 10MB", .compare(.builtin(.size), .greater, v("10MB"))),
    (
      "Object.modified >= 2024-05-01",
      .compare(.builtin(.modified), .greaterOrEqual, v("2024-05-01"))
    ),
    ("object.content_type = 'text/csv'", .compare(.builtin(.contentType), .equal, q("text/csv"))),
    (
      "object.rows > 0 AND object.etag IS NOT NULL",
      .and([
        .compare(.builtin(.rows), .greater, v("0")), .isNull(.builtin(.etag), negated: true),
      ])
    ),
    ("object.\"dataset\" = sales", .compare(.builtin(.dataset), .equal, v("sales"))),
    (
      "partition.\"event-date\" = 2024-05-01",
      .compare(.partition("event-date"), .equal, v("2024-05-01"))
    ),
    ("partition.in = 1", .compare(.partition("in"), .equal, v("1"))),
    ("\"event-date\" = x", eq("event-date", "x")),
    ("\"in\" = 1", eq("in", "1")),
    ("\"a\"\"b\" = 1", eq("a\"b", "1")),
    ("\"München\" = 1", eq("München", "1")),
    (
      "\"a.b\" = 1 AND column.\"x y\" < 2",
      .and([
        eq("a.b", "1"), .compare(.column("x y"), .less, v("2")),
      ])
    ),
    ("content_type = 'text/csv'", .compare(n("content_type"), .equal, q("text/csv"))),
    ("_x9 = 1", eq("_x9", "1")),
    // Values: numbers, dates, timestamps with offsets, words, quoted text.
    ("x = -3.5", eq("x", "-3.5")),
    ("x=-1", eq("x", "-1")),
    ("x = 1e6", eq("x", "1e6")),
    ("x = +7", eq("x", "+7")),
    ("t >= 2024-05-01T10:00:00Z", .compare(n("t"), .greaterOrEqual, v("2024-05-01T10:00:00Z"))),
    (
      "t < 2024-05-01T10:00:00.5+02:00",
      .compare(n("t"), .less, v("2024-05-01T10:00:00.5+02:00"))
    ),
    ("t = '2024-05-01 10:00'", .compare(n("t"), .equal, q("2024-05-01 10:00"))),
    ("flag = true", eq("flag", "true")),
    ("format = parquet", eq("format", "parquet")),
    ("key = sales/2024/part-0.csv", eq("key", "sales/2024/part-0.csv")),
    ("name = 'it''s'", .compare(n("name"), .equal, q("it's"))),
    ("name = ''", .compare(n("name"), .equal, q(""))),
    (
      "x = 'and' OR x = 'NULL'",
      .or([
        .compare(n("x"), .equal, q("and")), .compare(n("x"), .equal, q("NULL")),
      ])
    ),
    ("x = ' spaced é '", .compare(n("x"), .equal, q(" spaced é "))),
    ("size > 1.5GiB", .compare(n("size"), .greater, v("1.5GiB"))),
    (
      "a = 1 AND NOT b IN (1, 'two')",
      .and([
        eq("a", "1"), .not(.in(n("b"), [v("1"), q("two")], negated: false)),
      ])
    ),
  ]

  func testValidQueriesGiveTheirTrees() throws {
    for (text, expected) in Self.validCases {
      XCTAssertEqual(try LakeFilter(parsing: text), expected, text)
      XCTAssertEqual(expected, expected.normalized, "test case not normalized: \(text)")
    }
  }

  func testDescriptionParsesBackToTheSameTree() throws {
    for (text, _) in Self.validCases {
      let filter = try LakeFilter(parsing: text)
      XCTAssertEqual(try LakeFilter(parsing: filter.description), filter, text)
    }
  }

  func testCanonicalText() throws {
    let cases: [(String, String)] = [
      ("year=2024 AND month>=05", "year = 2024 AND month >= 05"),
      ("(a=1 or b=2) and not (c=3 and d=4)", "(a = 1 OR b = 2) AND NOT (c = 3 AND d = 4)"),
      ("a=1 OR (b=2 AND c=3)", "a = 1 OR b = 2 AND c = 3"),
      ("x <> 1", "x != 1"),
      ("meta.Owner = alice", "meta.owner = alice"),
      ("\"in\" = 1 AND partition.\"in\" = 2", "\"in\" = 1 AND partition.in = 2"),
      ("\"a\"\"b\" = 'it''s'", "\"a\"\"b\" = 'it''s'"),
      ("x not in (1,'2')", "x NOT IN (1, '2')"),
      ("x is not null", "x IS NOT NULL"),
      ("object.\"size\" not between 1 and 2", "object.size NOT BETWEEN 1 AND 2"),
      ("k not like 'a''%'", "k NOT LIKE 'a''%'"),
    ]
    for (text, canonical) in cases {
      XCTAssertEqual(try LakeFilter(parsing: text).description, canonical, text)
    }
  }

  func testTreesBuiltInCodeAreWrittenAsTheirNormalForm() throws {
    let built: [LakeFilter] = [
      .compare(.name("a b"), .equal, LakeLiteral("x y")),
      .compare(.name("and"), .equal, LakeLiteral("")),
      .and([.and([eq("a", "1"), eq("b", "2")]), .or([eq("c", "3")])]),
      .or([.and([eq("a", "1")]), .or([eq("b", "2"), eq("c", "3")])]),
      .not(.and([eq("a", "1"), .or([eq("b", "2"), eq("c", "3")])])),
      .compare(.metadata("Owner"), .less, LakeLiteral("2024", quoted: true)),
    ]
    XCTAssertEqual(built[0].description, "\"a b\" = 'x y'")
    XCTAssertEqual(built[1].description, "\"and\" = ''")
    for filter in built {
      XCTAssertEqual(try LakeFilter(parsing: filter.description), filter.normalized, "\(filter)")
    }
  }

  func testFieldsParseAlone() throws {
    XCTAssertEqual(try LakeField(parsing: "object.size"), .builtin(.size))
    XCTAssertEqual(try LakeField(parsing: " meta.X "), .metadata("x"))
    XCTAssertEqual(try LakeField(parsing: "\"a b\""), .name("a b"))
    XCTAssertThrowsError(try LakeField(parsing: "a b"))
    for field in [LakeField.partition("a.b"), .column("x"), .name("NOT"), .builtin(.etag)] {
      XCTAssertEqual(try LakeField(parsing: field.description), field)
    }
  }
}
