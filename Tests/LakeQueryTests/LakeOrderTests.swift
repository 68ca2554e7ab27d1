import XCTest

@testable import LakeQuery

/// Order specifications as lakectl takes them.
final class LakeOrderTests: XCTestCase {
  func testParse() throws {
    XCTAssertEqual(
      try LakeOrder.parse("size desc, key"),
      [LakeOrder(.name("size"), .descending), LakeOrder(.name("key"))])
    XCTAssertEqual(
      try LakeOrder.parse("object.size DESC,partition.\"event-date\" Asc"),
      [LakeOrder(.builtin(.size), .descending), LakeOrder(.partition("event-date"))])
    let orders = [LakeOrder(.metadata("owner"), .descending), LakeOrder(.name("in"))]
    XCTAssertEqual(try LakeOrder.parse(orders.map(\.description).joined(separator: ", ")), orders)
  }

  func testErrors() {
    let cases: [(String, Int, String)] = [
      ("", 0, "end of input"), ("size up", 5, "up"), ("size,", 5, "end of input"),
      (", size", 0, ","), ("size desc desc", 10, "desc"), ("a b", 2, "b"),
      ("in", 0, "in"), ("size = 1", 5, "="),
      (Array(repeating: "a", count: 17).joined(separator: ","), 32, "a"),
    ]
    for (text, offset, token) in cases {
      XCTAssertThrowsError(try LakeOrder.parse(text), text) { error in
        guard let error = error as? LakeQuerySyntaxError else { return XCTFail("\(error)") }
        XCTAssertEqual(error.offset, offset, "\(text): \(error)")
        XCTAssertEqual(error.token, token, "\(text): \(error)")
      }
    }
  }
}
