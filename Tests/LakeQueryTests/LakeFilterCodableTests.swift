import Foundation
import XCTest

@testable import LakeQuery

/// The JSON wire form: stable shape, round trips, and refusal of hostile documents.
final class LakeFilterCodableTests: XCTestCase {
  private func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  private func decode<T: Decodable>(
    _ type: T.Type, _ text: String, limits: LakeQueryLimits? = nil
  ) throws -> T {
    let decoder = JSONDecoder()
    if let limits { decoder.userInfo[LakeQueryLimits.userInfoKey] = limits }
    return try decoder.decode(type, from: Data(text.utf8))
  }

  func testWireFormIsATaggedTree() throws {
    let filter = try LakeFilter(
      parsing: "year=2024 AND month IN (04,'05') AND NOT key LIKE '%.tmp' OR object.size IS NULL")
    XCTAssertEqual(
      try json(filter),
      #"{"or":[{"and":[{"compare":{"field":{"name":"year"},"op":"=","value":{"quoted":false,"text":"2024"}}},"#
        + #"{"in":{"field":{"name":"month"},"negated":false,"values":[{"quoted":false,"text":"04"},{"quoted":true,"text":"05"}]}},"#
        + #"{"not":{"like":{"field":{"name":"key"},"negated":false,"pattern":"%.tmp"}}}]},"#
        + #"{"isNull":{"field":{"object":"size"},"negated":false}}]}"#)
    XCTAssertEqual(
      try json(
        try LakeFilter(
          parsing: "partition.d NOT BETWEEN 1 AND '2' AND meta.o != x AND column.c < 1")),
      #"{"and":[{"between":{"field":{"partition":"d"},"high":{"quoted":true,"text":"2"},"low":{"quoted":false,"text":"1"},"negated":true}},"#
        + #"{"compare":{"field":{"meta":"o"},"op":"!=","value":{"quoted":false,"text":"x"}}},"#
        + #"{"compare":{"field":{"column":"c"},"op":"<","value":{"quoted":false,"text":"1"}}}]}"#)
  }

  func testEveryValidCaseRoundTrips() throws {
    for (text, filter) in LakeFilterTests.validCases {
      XCTAssertEqual(try decode(LakeFilter.self, try json(filter)), filter, text)
    }
  }

  func testDecodingNormalizes() throws {
    let a = #"{"compare":{"field":{"name":"a"},"op":"=","value":{"text":"1"}}}"#
    let b = #"{"isNull":{"field":{"meta":"Owner"}}}"#
    XCTAssertEqual(
      try decode(LakeFilter.self, #"{"and":[{"and":[\#(a),\#(b)]},{"or":[\#(a)]}]}"#),
      .and([eq("a", "1"), .isNull(.metadata("owner"), negated: false), eq("a", "1")]))
  }

  func testHostileDocumentsAreRefused() throws {
    let a = #"{"compare":{"field":{"name":"a"},"op":"=","value":{"text":"1","quoted":false}}}"#
    let hostile = [
      "{}", "[]", "null", "\"a = 1\"", "1",
      #"{"and":[]}"#, #"{"or":[]}"#, #"{"xor":[\#(a)]}"#, #"{"and":[\#(a)],"or":[\#(a)]}"#,
      #"{"not":[\#(a)]}"#, #"{"and":\#(a)}"#,
      #"{"compare":{"field":{"name":"a"},"op":"=>","value":{"text":"1"}}}"#,
      #"{"compare":{"field":{"name":"a"},"op":"<>","value":{"text":"1"}}}"#,
      #"{"compare":{"field":{"name":"a"},"op":"=","value":{"text":"1"},"extra":1}}"#,
      #"{"compare":{"field":{"name":"a"},"op":"="}}"#,
      #"{"compare":{"field":{"nick":"a"},"op":"=","value":{"text":"1"}}}"#,
      #"{"compare":{"field":{"name":"a","column":"b"},"op":"=","value":{"text":"1"}}}"#,
      #"{"compare":{"field":{"name":""},"op":"=","value":{"text":"1"}}}"#,
      #"{"compare":{"field":{"object":"sizes"},"op":"=","value":{"text":"1"}}}"#,
      #"{"compare":{"field":{"name":"a"},"op":"=","value":{"text":"a b","quoted":false}}}"#,
      #"{"compare":{"field":{"name":"a"},"op":"=","value":{"text":"and"}}}"#,
      #"{"compare":{"field":{"name":"a"},"op":"=","value":{"text":""}}}"#,
      #"{"compare":{"field":{"name":"a"},"op":"=","value":{"text":"1","quote":true}}}"#,
      #"{"compare":{"field":{"name":"a"},"op":"=","value":"1"}}"#,
      #"{"in":{"field":{"name":"a"},"values":[]}}"#,
      #"{"in":{"field":{"name":"a"},"values":[{"text":"1"}],"negated":"yes"}}"#,
      #"{"like":{"field":{"name":"a"},"pattern":"x\\"}}"#,
      #"{"between":{"field":{"name":"a"},"low":{"text":"1"}}}"#,
      #"{"isNull":{"field":{"name":"a"},"negated":false,"value":{"text":"1"}}}"#,
    ]
    for text in hostile {
      XCTAssertThrowsError(try decode(LakeFilter.self, text), text)
    }
  }

  func testDepthAndSizeLimitsHoldForJSON() throws {
    let leaf = #"{"isNull":{"field":{"name":"a"}}}"#
    func nots(_ count: Int) -> String {
      String(repeating: #"{"not":"#, count: count) + leaf + String(repeating: "}", count: count)
    }
    XCTAssertEqual(try decode(LakeFilter.self, nots(64)).textDepth, 64)
    XCTAssertThrowsError(try decode(LakeFilter.self, nots(65)))
    XCTAssertThrowsError(try decode(LakeFilter.self, nots(100_000)))
    // and/or alternating: each or under an and needs parentheses in text.
    var alternating = leaf
    for level in 0..<200 {
      alternating = #"{"\#(level % 2 == 0 ? "or" : "and")":[\#(leaf),\#(alternating)]}"#
    }
    XCTAssertThrowsError(try decode(LakeFilter.self, alternating))
    let deepAnds =
      String(repeating: #"{"and":[\#(leaf),"#, count: 100_000) + leaf
      + String(repeating: "]}", count: 100_000)
    XCTAssertThrowsError(try decode(LakeFilter.self, deepAnds))
    let small = LakeQueryLimits(maxPredicates: 2, maxInListLength: 1, maxLiteralLength: 2)
    XCTAssertThrowsError(
      try decode(LakeFilter.self, #"{"and":[\#(leaf),\#(leaf),\#(leaf)]}"#, limits: small))
    XCTAssertNoThrow(try decode(LakeFilter.self, #"{"and":[\#(leaf),\#(leaf)]}"#, limits: small))
    XCTAssertThrowsError(
      try decode(
        LakeFilter.self, #"{"in":{"field":{"name":"a"},"values":[{"text":"1"},{"text":"2"}]}}"#,
        limits: small))
    XCTAssertThrowsError(
      try decode(
        LakeFilter.self, #"{"in":{"field":{"name":"a"},"values":[{"text":"123"}]}}"#,
        limits: small))
    XCTAssertThrowsError(try decode(LakeField.self, #"{"name":"abc"}"#, limits: small))
  }

  func testQueryRoundTripsAndIsValidated() throws {
    let query = LakeQuery(
      dataset: "sales", filter: try LakeFilter(parsing: "year = 2024"),
      order: [LakeOrder(.builtin(.size), .descending), .byKey], limit: 100, after: "opaque")
    XCTAssertEqual(try decode(LakeQuery.self, try json(query)), query)
    XCTAssertEqual(
      try json(LakeQuery(prefix: "logs/")),
      #"{"order":[{"direction":"ascending","field":{"object":"key"}}],"prefix":"logs/"}"#)
    XCTAssertEqual(try decode(LakeQuery.self, "{}"), LakeQuery())
    XCTAssertEqual(
      try decode(LakeQuery.self, #"{"order":[{"field":{"name":"size"}}]}"#).order,
      [LakeOrder(.name("size"))])
    for text in [
      #"{"dataset":"a","prefix":"b"}"#, #"{"limit":0}"#, #"{"limit":-1}"#,
      #"{"filter":{"and":[]}}"#, #"{"order":[{"field":{"name":"a"},"direction":"up"}]}"#,
      #"{"order":[{"field":{"name":"a"},"reverse":true}]}"#,
    ] {
      XCTAssertThrowsError(try decode(LakeQuery.self, text), text)
    }
    let orders =
      String(repeating: #"{"field":{"name":"a"}},"#, count: 16) + #"{"field":{"name":"a"}}"#
    XCTAssertThrowsError(try decode(LakeQuery.self, #"{"order":[\#(orders)]}"#))
  }
}
