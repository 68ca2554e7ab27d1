import Foundation
import XCTest

@testable import LakeQuery

/// Real files written by pyarrow (Tests/Fixtures/parquet/make_fixtures.py) decode to what
/// pyarrow itself reads from them, and no footer bytes, cut or damaged, trap or hang.
final class ParquetFooterTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/parquet")
  static let names = ["typed", "nested", "nostats", "allnull", "mixed", "wide_decimal"]

  func testTypedColumnsOverSeveralRowGroups() throws { try checkFixture("typed") }
  func testNestedStructListAndMap() throws { try checkFixture("nested") }
  func testStatisticsDisabled() throws { try checkFixture("nostats") }
  func testAllNullColumnsAndRowGroups() throws { try checkFixture("allnull") }
  func testDictionaryUnicodeUnsignedNanosTimeAndIntegerDecimals() throws {
    try checkFixture("mixed")
  }
  func testWideDecimals() throws { try checkFixture("wide_decimal") }

  func testEveryFixtureIsChecked() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
    let parquet = files.filter { $0.hasSuffix(".parquet") }.map { String($0.dropLast(8)) }
    XCTAssertEqual(Set(parquet), Set(Self.names))
  }

  func testSpotValuesOfTheTypedFile() throws {
    let metadata = try ParquetMetadata(footer: try Self.footer("typed"))
    XCTAssertEqual(metadata.rowCount, 10)
    XCTAssertEqual(metadata.rowGroups.map(\.rowCount), [4, 4, 2])
    XCTAssertEqual(metadata.columns.map(\.name).prefix(3), ["i32", "i64", "f64"])
    XCTAssertTrue(metadata.keyValueMetadata.contains { $0.key == "ARROW:schema" })
    let stats = metadata.columnStatistics()
    XCTAssertEqual(stats[0].min, .integer(-2_147_483_648))
    XCTAssertEqual(stats[0].max, .integer(2_147_483_647))
    XCTAssertEqual(stats[0].nullCount, 2)
    XCTAssertEqual(stats[3].min, .string("apple"))
    XCTAssertEqual(stats[3].max, .string("plum"))  // the last row group is all null
    XCTAssertEqual(stats[4].min, .date(19_844))  // 2024-05-01
    XCTAssertEqual(stats[6].column.logicalType, .timestamp(unit: .micros, adjustedToUTC: true))
    XCTAssertEqual(stats[6].min, .timestamp(-3_600_000_000))  // 1969-12-31T23:00Z
    XCTAssertEqual(stats[7].column.physicalType, .fixedLenByteArray)
    XCTAssertEqual(stats[7].min, .decimal(-99_999_999.99))
    XCTAssertEqual(stats[8].max, .integer(1))
  }

  // MARK: The footer's frame

  func testFooterLengthFromTheTail() throws {
    let file = try Self.file("typed")
    let length = try ParquetFooter.footerLength(tail: file.suffix(8))
    XCTAssertEqual(try ParquetFooter.footerLength(tail: file, fileSize: file.count), length)
    XCTAssertEqual(try ParquetFooter.footer(inFile: file).count, length)
    XCTAssertEqual(Array(file[(file.count - 8)..<(file.count - 4)]), le32(length))
  }

  func testFooterFrameErrors() {
    func code(_ body: () throws -> Void) -> ParquetError.Code? {
      do {
        try body()
        return nil
      } catch { return (error as? ParquetError)?.code }
    }
    let tail = le32(100) + Array("PAR1".utf8)
    XCTAssertEqual(code { _ = try ParquetFooter.footerLength(tail: tail) }, nil)
    XCTAssertEqual(code { _ = try ParquetFooter.footerLength(tail: tail.suffix(7)) }, .notParquet)
    XCTAssertEqual(
      code { _ = try ParquetFooter.footerLength(tail: le32(100) + Array("PARE".utf8)) },
      .notParquet)
    XCTAssertEqual(
      code { _ = try ParquetFooter.footerLength(tail: le32(100) + Array("PAR2".utf8)) },
      .notParquet)
    // A length larger than the file, and one past the limit.
    XCTAssertEqual(
      code { _ = try ParquetFooter.footerLength(tail: tail, fileSize: 111) }, .malformed)
    XCTAssertEqual(code { _ = try ParquetFooter.footerLength(tail: tail, fileSize: 112) }, nil)
    XCTAssertEqual(code { _ = try ParquetFooter.footerLength(tail: tail, fileSize: 3) }, .malformed)
    XCTAssertEqual(
      code { _ = try ParquetFooter.footerLength(tail: le32(0xFFFF_FFFF) + Array("PAR1".utf8)) },
      .limitExceeded)
    let file = Array("PAR1".utf8) + [1, 2, 3] + le32(4) + Array("PAR1".utf8)
    XCTAssertEqual(code { _ = try ParquetFooter.footer(inFile: file) }, .malformed)
    XCTAssertEqual(
      code {
        _ = try ParquetFooter.footer(inFile: Array("PAR0".utf8) + le32(0) + Array("PAR1".utf8))
      },
      .notParquet)
  }

  // MARK: Damaged footers

  func testEveryPrefixOfARealFooterIsTruncated() throws {
    for name in Self.names {
      let footer = Array(try Self.footer(name))
      for length in 0..<footer.count {
        do {
          _ = try ParquetMetadata(footer: footer[..<length])
          XCTFail("\(name): a footer cut to \(length) of \(footer.count) bytes parsed")
        } catch {
          XCTAssertEqual(error.code, .truncated, "\(name) cut to \(length): \(error)")
        }
      }
    }
  }

  func testRandomByteFlipsThrowOrParse() throws {
    var random = SplitMix64(seed: 0x5EED)
    var parsed = 0
    var failed = 0
    for name in Self.names {
      let footer = Array(try Self.footer(name))
      for _ in 0..<1500 {
        var damaged = footer
        for _ in 0...random.next(below: 3) {
          damaged[random.next(below: damaged.count)] ^= UInt8(1 + random.next(below: 255))
        }
        do {
          let metadata = try ParquetMetadata(footer: damaged)
          _ = metadata.columnStatistics()
          parsed += 1
        } catch {
          XCTAssertFalse(error.message.isEmpty)
          failed += 1
        }
      }
    }
    // Both outcomes occur: flips in names and numbers parse, flips in structure do not.
    XCTAssertGreaterThan(parsed, 100)
    XCTAssertGreaterThan(failed, 100)
  }

  func testAListOfTwoToThe31ElementsFailsBeforeAllocating() {
    // FileMetaData field 2 (schema): a list header of structs with a varint count of 2^31.
    var footer: [UInt8] = [0x15, 0x04, 0x19, 0xFC]
    ThriftValue.varint(1 << 31, &footer)
    let start = ContinuousClock.now
    XCTAssertThrowsError(try ParquetMetadata(footer: footer + [0x00])) { error in
      XCTAssertEqual((error as? ParquetError)?.code, .malformed)
      XCTAssertTrue("\(error)".contains("2147483648"), "\(error)")
    }
    // 2^31 - 1 is a valid count but far more than the bytes left.
    footer = [0x15, 0x04, 0x19, 0xFC]
    ThriftValue.varint(1 << 31 - 1, &footer)
    XCTAssertThrowsError(try ParquetMetadata(footer: footer + [0x00])) { error in
      XCTAssertEqual((error as? ParquetError)?.code, .truncated)
    }
    XCTAssertLessThan(ContinuousClock.now - start, .milliseconds(100))
  }

  // MARK: Comparing with pyarrow

  private func checkFixture(_ name: String) throws {
    let expected = try JSONDecoder.snakeCase.decode(
      Expected.self,
      from: Data(contentsOf: Self.fixtures.appendingPathComponent("\(name).expected.json")))
    let metadata = try ParquetMetadata(footer: try Self.footer(name))
    XCTAssertEqual(metadata.rowCount, expected.numRows)
    XCTAssertEqual(metadata.rowGroups.count, expected.numRowGroups)
    XCTAssertEqual(metadata.createdBy, expected.createdBy)
    XCTAssertEqual(metadata.columns.count, expected.columns.count)
    for (column, want) in zip(metadata.columns, expected.columns) {
      XCTAssertEqual(column.path, want.path)
      XCTAssertEqual(
        "\(column.physicalType)".uppercased(),
        want.physicalType.replacingOccurrences(of: "_", with: ""))
      XCTAssertEqual(column.logicalTypeAsPyarrow, want.logicalTypeKeys, column.name)
      XCTAssertEqual(column.maxDefinitionLevel, want.maxDefinitionLevel, column.name)
      XCTAssertEqual(column.maxRepetitionLevel, want.maxRepetitionLevel, column.name)
      XCTAssertEqual(column.isNested, column.path.count > 1 || column.maxRepetitionLevel > 0)
    }
    for (index, group) in expected.rowGroups.enumerated() {
      XCTAssertEqual(metadata.rowGroups[index].rowCount, group.numRows)
      let stats = metadata.columnStatistics(rowGroup: index)
      for (got, want) in zip(stats, group.columns) {
        let place = "\(name) row group \(index) column \(got.column.name)"
        XCTAssertEqual(got.min, want.min?.value, place)
        XCTAssertEqual(got.max, want.max?.value, place)
        XCTAssertEqual(got.nullCount, want.nullCount, place)
        XCTAssertEqual(got.valueCount, want.numValues, place)
        XCTAssertEqual(got.rowCount, group.numRows, place)
      }
    }
    let merged = metadata.columnStatistics()
    XCTAssertEqual(merged.count, expected.fileStatistics.count)
    for (got, want) in zip(merged, expected.fileStatistics) {
      let place = "\(name) column \(got.column.name)"
      XCTAssertEqual(got.min, want.min?.value, place)
      XCTAssertEqual(got.max, want.max?.value, place)
      XCTAssertEqual(got.nullCount, want.nullCount, place)
      XCTAssertEqual(got.rowCount, expected.numRows, place)
    }
  }

  static func file(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: fixtures.appendingPathComponent("\(name).parquet")))
  }

  static func footer(_ name: String) throws -> ArraySlice<UInt8> {
    try ParquetFooter.footer(inFile: file(name))
  }

  private func le32(_ value: Int) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }
}

/// A deterministic generator (SplitMix64), so a failing flip replays.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
