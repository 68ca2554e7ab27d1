import XCTest

@testable import LakeQuery

/// The compact protocol reader: varints, zigzag, field headers, skipping, limits, messages.
final class ThriftCompactReaderTests: XCTestCase {
  private func reader(_ bytes: [UInt8], depth: Int = 64) -> ThriftCompactReader {
    ThriftCompactReader(bytes, maxDepth: depth)
  }

  private func error(_ body: () throws -> Void) -> ParquetError? {
    do {
      try body()
      return nil
    } catch { return error as? ParquetError }
  }

  func testZigzagVarintsAtTheEdges() throws {
    for value: Int64 in [0, -1, 1, 63, -64, 64, 1 << 31, Int64.max, Int64.min] {
      var bytes: [UInt8] = []
      ThriftValue.varint(ThriftValue.zigzag(value), &bytes)
      var reader = reader(bytes)
      XCTAssertEqual(try reader.i64(), value)
      XCTAssertTrue(reader.isAtEnd)
    }
    var reader = reader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    XCTAssertEqual(try reader.varint(), UInt64.max)
  }

  func testOverlongVarintsAndNarrowingAreMalformed() {
    let tooLong = [UInt8](repeating: 0x80, count: 10) + [0x01]
    XCTAssertEqual(
      error {
        var r = reader(tooLong)
        _ = try r.varint()
      }?.code, .malformed)
    let past64 = [UInt8](repeating: 0xFF, count: 9) + [0x02]
    XCTAssertEqual(
      error {
        var r = reader(past64)
        _ = try r.varint()
      }?.code, .malformed)
    var big: [UInt8] = []
    ThriftValue.varint(ThriftValue.zigzag(Int64(Int32.max) + 1), &big)
    XCTAssertEqual(
      error {
        var r = reader(big)
        _ = try r.i32()
      }?.code, .malformed)
    XCTAssertEqual(
      error {
        var r = reader([0x80, 0x80])
        _ = try r.varint()
      }?.code, .truncated)
  }

  func testFieldHeadersShortAndLongForm() throws {
    // Field 3 (delta), field 300 (long form), field 2 (long form, going back), STOP.
    let bytes = ThriftValue.encode([(3, .i32(7)), (300, .i64(-5)), (2, .bool(true))])
    var reader = reader(bytes)
    try reader.beginStruct("Test")
    var seen: [(Int16, ThriftType)] = []
    while let field = try reader.nextField() {
      seen.append((field.id, field.type))
      if field.type == .bool {
        XCTAssertTrue(try reader.bool(field))
      } else {
        try reader.skip(field)
      }
    }
    reader.endStruct()
    XCTAssertEqual(seen.map(\.0), [3, 300, 2])
    XCTAssertEqual(seen.map(\.1), [.i32, .i64, .bool])
    XCTAssertTrue(reader.isAtEnd)
  }

  func testSkipsEveryTypeOfUnknownField() throws {
    let nested: ThriftValue = .structure([
      (1, .list(code: 1, [.bool(true), .bool(false)])),
      (2, .map(key: 8, value: 12, [(.string("k"), .structure([(1, .double(1.5))]))])),
      (3, .list(code: 9, [.list(code: 6, [.i64(1), .i64(-1)])])),
      (4, .map(key: 5, value: 5, [])),
      (5, .uuid),
    ])
    let unknown: [(Int16, ThriftValue)] = [
      (20, .bool(false)), (21, .byte(-3)), (22, .i16(-300)), (23, .double(2.5)),
      (24, .binary([1, 2, 3])), (25, .set(code: 12, [.structure([])])), (26, nested),
      (27, .uuid), (28, .list(code: 7, [.double(1), .double(2)])),
    ]
    let footer = Footer.file(
      schema: [Footer.root(1), Footer.element("a", type: 1, repetition: 0)],
      groups: [Footer.rowGroup([Footer.chunk(["a"], type: 1)])], extra: unknown)
    let metadata = try ParquetMetadata(footer: footer)
    XCTAssertEqual(metadata.columns.map(\.name), ["a"])
    XCTAssertEqual(metadata.createdBy, "LakeQuery tests")
    // The same unknown fields inside SchemaElement and Statistics.
    let element = ThriftValue.structure([(1, .i32(2)), (3, .i32(1)), (4, .string("b"))] + unknown)
    let statistics = Footer.statistics([(3, .i64(4))] + unknown + [(40, .i64(9))])
    let inner = try ParquetMetadata(
      footer: Footer.file(
        schema: [Footer.root(1), element],
        groups: [Footer.rowGroup([Footer.chunk(["b"], type: 2, statistics: statistics)])]))
    XCTAssertEqual(inner.columns.first?.physicalType, .int64)
    XCTAssertEqual(inner.columnStatistics().first?.nullCount, 4)
  }

  func testUnknownTypeCodesAreMalformed() {
    var r = reader([0x1E])
    XCTAssertEqual(
      error {
        try r.beginStruct("S")
        _ = try r.nextField()
      }?.code, .malformed)
    let list: [UInt8] = [0x19, 0x1F, 0x00, 0x00]  // field 1: a list of type 15
    XCTAssertEqual(error { _ = try ParquetMetadata(footer: list) }?.code, .malformed)
  }

  func testNestingIsLimited() {
    var structs: ThriftValue = .structure([])
    for _ in 0..<100 { structs = .structure([(Int16(1), structs)]) }
    let deepStruct = Footer.file(schema: [Footer.root(0)], groups: [], extra: [(30, structs)])
    XCTAssertEqual(error { _ = try ParquetMetadata(footer: deepStruct) }?.code, .limitExceeded)
    var lists: ThriftValue = .list(code: 5, [])
    for _ in 0..<100 { lists = .list(code: 9, [lists]) }
    let deepList = Footer.file(schema: [Footer.root(0)], groups: [], extra: [(30, lists)])
    XCTAssertEqual(error { _ = try ParquetMetadata(footer: deepList) }?.code, .limitExceeded)
    // 50 levels are fine with the default limit, not with a limit of 10.
    var fifty: ThriftValue = .structure([])
    for _ in 0..<50 { fifty = .structure([(Int16(1), fifty)]) }
    let footer = Footer.file(schema: [Footer.root(0)], groups: [], extra: [(30, fifty)])
    XCTAssertNoThrow(try ParquetMetadata(footer: footer))
    XCTAssertEqual(
      error { _ = try ParquetMetadata(footer: footer, limits: ParquetLimits(maxNestingDepth: 10)) }?
        .code, .limitExceeded)
  }

  func testMessagesSayWhatAndWhere() {
    let footer = Footer.file(
      schema: [Footer.root(2), Footer.element("a", type: 1), Footer.element("b", type: 1)],
      groups: [])
    // Cut inside the name of the second element: "b" is at the end of that struct.
    let cut = Array(footer.prefix(footer.firstRange(of: Array("b".utf8))!.lowerBound))
    XCTAssertEqual(
      error { _ = try ParquetMetadata(footer: cut) }?.message,
      "truncated footer: binary of 1 bytes with 0 bytes left at byte \(cut.count) reading"
        + " field 4 of SchemaElement in element 2 of field 2 of FileMetaData")
    let unnamed = Footer.file(
      schema: [Footer.root(1), .structure([(1, .i32(1)), (3, .i32(0))])], groups: [])
    XCTAssertEqual(
      error { _ = try ParquetMetadata(footer: unnamed) }?.message,
      "missing required field 4 (name) at byte 20 reading SchemaElement"
        + " in element 1 of field 2 of FileMetaData")
  }
}
