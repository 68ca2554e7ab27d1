import XCTest

@testable import LakeQuery

/// The schema tree flattened into leaf columns, and trees that do not add up.
final class ParquetColumnTests: XCTestCase {
  private func metadata(
    _ schema: [ThriftValue], groups: [ThriftValue] = [], limits: ParquetLimits = ParquetLimits()
  ) throws -> ParquetMetadata {
    try ParquetMetadata(footer: Footer.file(schema: schema, groups: groups), limits: limits)
  }

  private func error(
    _ schema: [ThriftValue], groups: [ThriftValue] = [], limits: ParquetLimits = ParquetLimits()
  )
    -> ParquetError?
  {
    do {
      _ = try metadata(schema, groups: groups, limits: limits)
      return nil
    } catch { return error as? ParquetError }
  }

  func testFlatNestedListMapAndLegacyRepeated() throws {
    let columns = try metadata([
      Footer.root(5),
      Footer.element("id", type: 2, repetition: 0),
      Footer.element("point", children: 2),
      Footer.element("x", type: 1, repetition: 0),
      Footer.element("label", type: 6, converted: 0),
      Footer.element("tags", children: 1, converted: 3),
      Footer.element("list", repetition: 2, children: 1),
      Footer.element("element", type: 2),
      Footer.element("attrs", children: 1, converted: 1),
      Footer.element("key_value", repetition: 2, children: 2, converted: 2),
      Footer.element("key", type: 6, repetition: 0, logical: Footer.logical(1)),
      Footer.element("value", type: 1),
      Footer.element("legacy", type: 1, repetition: 2),
    ]).columns
    XCTAssertEqual(
      columns.map(\.name),
      [
        "id", "point.x", "point.label", "tags.list.element", "attrs.key_value.key",
        "attrs.key_value.value", "legacy",
      ])
    XCTAssertEqual(columns.map(\.isNested), [false, true, true, true, true, true, true])
    XCTAssertEqual(columns.map(\.maxDefinitionLevel), [0, 1, 2, 3, 2, 3, 1])
    XCTAssertEqual(columns.map(\.maxRepetitionLevel), [0, 0, 0, 1, 1, 1, 1])
    XCTAssertEqual(
      columns.map(\.repetition),
      [.required, .required, .optional, .optional, .required, .optional, .repeated])
    XCTAssertEqual(columns.map(\.schemaIndex), [1, 3, 4, 7, 10, 11, 12])
    XCTAssertEqual(columns[2].logicalType, .string)  // from converted type UTF8
  }

  func testLogicalTypesAndTheirConvertedFallbacks() throws {
    let unit: (Int16) -> ThriftValue = { .structure([($0, .structure([]))]) }
    let columns = try metadata([
      Footer.root(9),
      Footer.element("ts", type: 2, logical: Footer.logical(8, [(1, .bool(false)), (2, unit(3))])),
      Footer.element("t", type: 1, logical: Footer.logical(7, [(1, .bool(true)), (2, unit(1))])),
      Footer.element(
        "u8", type: 1, logical: Footer.logical(10, [(1, .byte(8)), (2, .bool(false))])),
      Footer.element("dec", type: 7, logical: Footer.logical(5, [(1, .i32(2)), (2, .i32(9))])),
      Footer.element("old_dec", type: 6, converted: 5, scale: 3, precision: 12),
      Footer.element("old_ts", type: 2, converted: 9),
      // A logical type from the future falls back to the converted type, or stays unknown.
      Footer.element("future", type: 6, converted: 19, logical: Footer.logical(42)),
      Footer.element("unknown", type: 6, logical: Footer.logical(42)),
      Footer.element(
        "new_unit", type: 2, logical: Footer.logical(8, [(1, .bool(true)), (2, unit(9))])),
    ]).columns
    XCTAssertEqual(
      columns.map(\.logicalType),
      [
        .timestamp(unit: .nanos, adjustedToUTC: false), .time(unit: .millis, adjustedToUTC: true),
        .integer(bitWidth: 8, signed: false), .decimal(precision: 9, scale: 2),
        .decimal(precision: 12, scale: 3), .timestamp(unit: .millis, adjustedToUTC: true), .json,
        .unrecognized(42), .unrecognized(8),
      ])
  }

  func testTreesThatDoNotAddUpAreErrors() {
    let leaf = Footer.element("a", type: 1)
    // num_children past the end of the schema.
    XCTAssertEqual(error([Footer.root(2), leaf])?.code, .malformed)
    XCTAssertEqual(
      error([Footer.root(1), Footer.element("g", children: 3), leaf])?.code, .malformed)
    // Elements left over after the root's tree.
    XCTAssertEqual(error([Footer.root(1), leaf, leaf])?.code, .malformed)
    XCTAssertEqual(error([Footer.root(-1)])?.code, .malformed)
    XCTAssertEqual(error([Footer.root(1), Footer.element("g", children: -2)])?.code, .malformed)
    XCTAssertEqual(error([])?.code, .malformed)
    XCTAssertEqual(error([leaf])?.code, .malformed)  // the root is a leaf
    XCTAssertEqual(
      error([Footer.root(1), Footer.element("a", type: 1, repetition: nil)])?.code, .malformed)
    XCTAssertEqual(
      error([Footer.root(1), Footer.element("a", type: 1, children: 1), leaf])?.code, .malformed)
    XCTAssertEqual(
      error([Footer.root(2), leaf])?.message,
      "the schema ends after 2 elements inside the root, which declares more children")
  }

  func testSchemaLimits() {
    var chain = [Footer.root(1)]
    for level in 0..<70 { chain.append(Footer.element("g\(level)", children: 1)) }
    chain.append(Footer.element("leaf", type: 1))
    XCTAssertEqual(error(chain)?.code, .limitExceeded)
    let wide = [Footer.root(5)] + (0..<5).map { Footer.element("c\($0)", type: 1) }
    XCTAssertNil(error(wide))
    XCTAssertEqual(error(wide, limits: ParquetLimits(maxColumns: 4))?.code, .limitExceeded)
    XCTAssertEqual(error(wide, limits: ParquetLimits(maxSchemaElements: 5))?.code, .limitExceeded)
  }

  func testRowGroupsMustHaveOneChunkPerColumn() {
    let schema = [Footer.root(2), Footer.element("a", type: 1), Footer.element("b", type: 1)]
    let one = Footer.rowGroup([Footer.chunk(["a"], type: 1)])
    XCTAssertEqual(error(schema, groups: [one])?.code, .malformed)
    let two = Footer.rowGroup([Footer.chunk(["a"], type: 1), Footer.chunk(["b"], type: 1)])
    XCTAssertNil(error(schema, groups: [two, two]))
    XCTAssertEqual(
      error(schema, groups: [two, two], limits: ParquetLimits(maxRowGroups: 1))?.code,
      .limitExceeded)
    XCTAssertEqual(
      error(schema, groups: [two, two], limits: ParquetLimits(maxColumnChunks: 3))?.code,
      .limitExceeded)
  }
}
