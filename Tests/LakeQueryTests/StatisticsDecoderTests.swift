import XCTest

@testable import LakeQuery

/// Statistics bytes into TypedValues by type, which fields count, and the merge over row
/// groups.
final class StatisticsDecoderTests: XCTestCase {
  private func value(_ type: ParquetPhysicalType, _ bytes: [UInt8]) -> TypedValue? {
    value(type, nil, bytes)
  }

  private func value(
    _ type: ParquetPhysicalType, _ logical: ParquetLogicalType?, _ bytes: [UInt8]
  ) -> TypedValue? {
    let column = ParquetColumn(
      path: ["c"], physicalType: type, logicalType: logical, repetition: .optional,
      isNested: false, maxDefinitionLevel: 1, maxRepetitionLevel: 0, schemaIndex: 1)
    return StatisticsDecoder(column: column, order: nil).value(bytes)
  }

  private func le(_ value: Int64, _ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: value >> Int64(8 * $0)) }
  }

  func testValuesByPhysicalAndLogicalType() {
    XCTAssertEqual(value(.boolean, [1]), .integer(1))
    XCTAssertEqual(value(.boolean, [0]), .integer(0))
    XCTAssertNil(value(.boolean, [2]))
    XCTAssertNil(value(.boolean, []))
    XCTAssertEqual(value(.int32, le(-5, 4)), .integer(-5))
    XCTAssertNil(value(.int32, le(5, 3)))
    XCTAssertEqual(
      value(.int32, .integer(bitWidth: 32, signed: false), le(-1, 4)), .integer(4_294_967_295))
    XCTAssertEqual(value(.int32, .integer(bitWidth: 8, signed: true), le(-128, 4)), .integer(-128))
    XCTAssertEqual(value(.int32, .date, le(-1, 4)), .date(-1))
    XCTAssertEqual(
      value(.int32, .decimal(precision: 9, scale: 2), le(-12_345, 4)), .decimal(-123.45))
    XCTAssertEqual(
      value(.int32, .time(unit: .millis, adjustedToUTC: true), le(1000, 4)), .integer(1000))
    XCTAssertNil(value(.int32, .string, le(1, 4)))
    XCTAssertNil(value(.int64, .integer(bitWidth: 64, signed: false), le(-1, 8)))
    XCTAssertEqual(
      value(.int64, .integer(bitWidth: 64, signed: false), le(.max, 8)), .integer(.max))
    XCTAssertNil(value(.int64, .date, le(1, 8)))
    XCTAssertEqual(
      value(.int64, .decimal(precision: 18, scale: 3), le(123_456, 8)), .decimal(123.456))
    XCTAssertEqual(value(.float, le(Int64(Float(1.5).bitPattern), 4)), .decimal(1.5))
    XCTAssertNil(value(.float, le(Int64(Float.nan.bitPattern), 4)))
    XCTAssertEqual(value(.double, le(Int64(bitPattern: (-0.25).bitPattern), 8)), .decimal(-0.25))
    XCTAssertEqual(
      value(.double, le(Int64(bitPattern: Double.infinity.bitPattern), 8)), .decimal(.infinity))
    XCTAssertNil(value(.double, le(Int64(bitPattern: Double.nan.bitPattern), 8)))
    XCTAssertEqual(value(.byteArray, .string, Array("é".utf8)), .string("é"))
    XCTAssertEqual(value(.byteArray, .enum, Array("RED".utf8)), .string("RED"))
    XCTAssertEqual(value(.fixedLenByteArray, .json, Array("{}".utf8)), .string("{}"))
    XCTAssertNil(value(.byteArray, .string, [0xC3, 0x28]))  // not UTF-8
    XCTAssertNil(value(.byteArray, nil, Array("raw".utf8)))
    XCTAssertNil(value(.fixedLenByteArray, .uuid, Array(repeating: 1, count: 16)))
    XCTAssertNil(value(.int96, nil, Array(repeating: 0, count: 12)))
    let minusOne = [UInt8](repeating: 0xFF, count: 16)
    XCTAssertEqual(
      value(.fixedLenByteArray, .decimal(precision: 38, scale: 4), minusOne), .decimal(-0.0001))
    XCTAssertEqual(
      value(.byteArray, .decimal(precision: 5, scale: 0), [0x01, 0x00]), .decimal(256))
    XCTAssertNil(value(.byteArray, .decimal(precision: 5, scale: 0), []))
    XCTAssertNil(value(.int32, .decimal(precision: 5, scale: -1), le(1, 4)))
    XCTAssertNil(value(.int32, .decimal(precision: 5, scale: 400), le(1, 4)))
  }

  func testTimestampsInMicroseconds() {
    let millis = ParquetLogicalType.timestamp(unit: .millis, adjustedToUTC: true)
    let nanos = ParquetLogicalType.timestamp(unit: .nanos, adjustedToUTC: false)
    XCTAssertEqual(value(.int64, millis, le(-2, 8)), .timestamp(-2000))
    XCTAssertNil(value(.int64, millis, le(.max / 100, 8)))  // overflows in microseconds
    XCTAssertEqual(
      value(.int64, .timestamp(unit: .micros, adjustedToUTC: true), le(7, 8)), .timestamp(7))
    // Nanoseconds are divided rounding down, also before 1970.
    for (raw, micros): (Int64, Int64) in [
      (1999, 1), (-1, -1), (-1000, -1), (-1001, -2), (.min, .min / 1000 - 1),
    ] {
      XCTAssertEqual(value(.int64, nanos, le(raw, 8)), .timestamp(micros), "\(raw)")
    }
    XCTAssertNil(value(.int32, millis, le(1, 4)))
  }

  func testBigEndianTwosComplement() {
    XCTAssertEqual(StatisticsDecoder.bigEndianSigned([0x80]), -128)
    XCTAssertEqual(StatisticsDecoder.bigEndianSigned([0x00, 0x80]), 128)
    XCTAssertEqual(StatisticsDecoder.bigEndianSigned([0xFF, 0x7F]), -129)
    XCTAssertEqual(
      StatisticsDecoder.bigEndianSigned([0xFF] + [UInt8](repeating: 0xFF, count: 20)), -1)
    XCTAssertEqual(
      StatisticsDecoder.bigEndianSigned([0x80] + [UInt8](repeating: 0, count: 15)), -0x1p127)
    XCTAssertEqual(
      StatisticsDecoder.bigEndianSigned([0, 0, 0, 1] + [UInt8](repeating: 0, count: 12)), 0x1p96)
    XCTAssertEqual(
      StatisticsDecoder.bigEndianSigned([0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10]),
      Double(Int64(bitPattern: 0xFEDC_BA98_7654_3210)))
    XCTAssertNil(StatisticsDecoder.bigEndianSigned([]))
  }

  // MARK: Which statistics fields count

  /// The statistics of a one-column file (column `c` of `element`) with one row group per
  /// entry of `groups` (nil: a chunk without statistics).
  private func stats(
    _ element: ThriftValue, type: Int32, _ groups: [ThriftValue?], values: Int64 = 10,
    extra: [(Int16, ThriftValue)] = []
  ) throws -> (file: ParquetColumnStatistics, groups: [ParquetColumnStatistics]) {
    let footer = Footer.file(
      schema: [Footer.root(1), element],
      groups: groups.map {
        Footer.rowGroup([Footer.chunk(["c"], type: type, values: values, statistics: $0)])
      },
      extra: extra)
    let metadata = try ParquetMetadata(footer: footer)
    return (
      metadata.columnStatistics()[0],
      metadata.rowGroups.indices.map { metadata.columnStatistics(rowGroup: $0)[0] }
    )
  }

  private func bounds(_ statistics: ParquetColumnStatistics) -> [TypedValue?] {
    [statistics.min, statistics.max]
  }

  func testLegacyMinMaxOnlyWhereSignedOrderIsRight() throws {
    let legacy = Footer.statistics([(1, Footer.plain(9, 4)), (2, Footer.plain(-3, 4))])
    let int = Footer.element("c", type: 1)
    XCTAssertEqual(bounds(try stats(int, type: 1, [legacy]).file), [.integer(-3), .integer(9)])
    let date = Footer.element("c", type: 1, converted: 6)
    XCTAssertEqual(bounds(try stats(date, type: 1, [legacy]).file), [.date(-3), .date(9)])
    let unsigned = Footer.element("c", type: 1, converted: 13)
    XCTAssertEqual(bounds(try stats(unsigned, type: 1, [legacy]).file), [nil, nil])
    let decimal = Footer.element("c", type: 1, converted: 5, scale: 1, precision: 5)
    XCTAssertEqual(bounds(try stats(decimal, type: 1, [legacy]).file), [nil, nil])
    let text = Footer.element("c", type: 6, converted: 0)
    let textLegacy = Footer.statistics([(1, .string("z")), (2, .string("a"))])
    XCTAssertEqual(bounds(try stats(text, type: 6, [textLegacy]).file), [nil, nil])
    let textCurrent = Footer.statistics([(5, .string("z")), (6, .string("a"))])
    XCTAssertEqual(
      bounds(try stats(text, type: 6, [textCurrent]).file), [.string("a"), .string("z")])
    // min_value wins over min when both are there; an absent one falls back on its own.
    let both = Footer.statistics([
      (1, Footer.plain(9, 4)), (2, Footer.plain(-3, 4)), (6, Footer.plain(1, 4)),
    ])
    XCTAssertEqual(bounds(try stats(int, type: 1, [both]).file), [.integer(1), .integer(9)])
  }

  func testInexactBoundsAreKeptAndInvertedOnesDropped() throws {
    let text = Footer.element("c", type: 6, logical: Footer.logical(1))
    let inexact = Footer.statistics([
      (5, .string("b")), (6, .string("a")), (7, .bool(false)), (8, .bool(false)),
    ])
    XCTAssertEqual(bounds(try stats(text, type: 6, [inexact]).file), [.string("a"), .string("b")])
    let inverted = Footer.statistics([(5, .string("a")), (6, .string("b"))])
    XCTAssertEqual(bounds(try stats(text, type: 6, [inverted]).file), [nil, nil])
  }

  func testAnUnknownColumnOrderIgnoresMinValueAndMaxValue() throws {
    let orders: (Int16) -> [(Int16, ThriftValue)] = {
      [(7, .structs([.structure([($0, .structure([]))])]))]
    }
    let statistics = Footer.statistics([
      (1, Footer.plain(9, 4)), (2, Footer.plain(-3, 4)), (5, Footer.plain(8, 4)),
      (6, Footer.plain(1, 4)),
    ])
    let int = Footer.element("c", type: 1)
    XCTAssertEqual(
      bounds(try stats(int, type: 1, [statistics], extra: orders(1)).file),
      [.integer(1), .integer(8)])
    XCTAssertEqual(
      bounds(try stats(int, type: 1, [statistics], extra: orders(9)).file),
      [.integer(-3), .integer(9)])
  }

  // MARK: Merging row groups

  func testMergedBoundsNeedEveryRowGroupUnlessItIsAllNull() throws {
    let int = Footer.element("c", type: 2)
    func group(_ min: Int64?, _ max: Int64?, nulls: Int64?) -> ThriftValue {
      var fields: [(Int16, ThriftValue)] = []
      if let max { fields.append((5, Footer.plain(max, 8))) }
      if let min { fields.append((6, Footer.plain(min, 8))) }
      if let nulls { fields.append((3, .i64(nulls))) }
      return Footer.statistics(fields.sorted { $0.0 < $1.0 })
    }
    var result = try stats(int, type: 2, [group(5, 9, nulls: 0), group(-2, 4, nulls: 3)])
    XCTAssertEqual(bounds(result.file), [.integer(-2), .integer(9)])
    XCTAssertEqual(result.file.nullCount, 3)
    XCTAssertEqual(result.file.valueCount, 20)
    XCTAssertEqual(bounds(result.groups[1]), [.integer(-2), .integer(4)])
    // A row group of nulls only has no bounds and does not need any.
    result = try stats(int, type: 2, [group(5, 9, nulls: 0), group(nil, nil, nulls: 10)])
    XCTAssertEqual(bounds(result.file), [.integer(5), .integer(9)])
    XCTAssertTrue(result.groups[1].isAllNull)
    // Whatever bounds it claims.
    result = try stats(int, type: 2, [group(5, 9, nulls: 0), group(100, nil, nulls: 10)])
    XCTAssertEqual(bounds(result.file), [.integer(5), .integer(9)])
    // A row group with values but no bounds (or without statistics) makes them unknown.
    result = try stats(int, type: 2, [group(5, 9, nulls: 0), group(nil, nil, nulls: 2)])
    XCTAssertEqual(bounds(result.file), [nil, nil])
    result = try stats(int, type: 2, [group(5, 9, nulls: 0), nil])
    XCTAssertEqual(bounds(result.file), [nil, nil])
    XCTAssertNil(result.file.nullCount)
    // Each bound on its own.
    result = try stats(int, type: 2, [group(5, 9, nulls: 0), group(1, nil, nulls: 0)])
    XCTAssertEqual(bounds(result.file), [.integer(1), nil])
    // Null counts that overflow, or are negative, are unknown.
    result = try stats(int, type: 2, [group(1, 2, nulls: .max), group(1, 2, nulls: 1)])
    XCTAssertNil(result.file.nullCount)
    result = try stats(int, type: 2, [group(1, 2, nulls: -1)])
    XCTAssertNil(result.file.nullCount)
    // No row groups: no bounds, no nulls.
    result = try stats(int, type: 2, [])
    XCTAssertEqual(bounds(result.file), [nil, nil])
    XCTAssertEqual(result.file.nullCount, 0)
  }

  func testAChunkForAnotherColumnHasNoStatistics() throws {
    let schema = [Footer.root(1), Footer.element("c", type: 2)]
    let statistics = Footer.statistics([
      (3, .i64(0)), (5, Footer.plain(2, 8)), (6, Footer.plain(1, 8)),
    ])
    for chunk in [
      Footer.chunk(["d"], type: 2, statistics: statistics),
      Footer.chunk(["c"], type: 1, statistics: statistics),
    ] {
      let metadata = try ParquetMetadata(
        footer: Footer.file(schema: schema, groups: [Footer.rowGroup([chunk])]))
      let file = metadata.columnStatistics()[0]
      XCTAssertEqual(bounds(file), [nil, nil])
      XCTAssertNil(file.nullCount)
    }
  }
}
