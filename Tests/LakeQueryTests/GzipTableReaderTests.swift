import XCTest

@testable import LakeQuery

/// gzip-compressed CSV and JSON lines: the table read through ``GzipTableReader`` is the table
/// the plain scanners read from the uncompressed bytes, however the compressed bytes are cut;
/// broken, cut-off and oversized streams fail with a reason.
final class GzipTableReaderTests: XCTestCase {
  /// A CSV file of `rows` records with RFC 4180 quoting (delimiters, `""` and line breaks
  /// inside quotes), CRLF line ends and a byte-order mark; well over the sniffed head.
  private func quotedCSV(rows: Int) -> [UInt8] {
    var text = "\u{FEFF}id,amount,day,note\r\n"
    for row in 0..<rows {
      let note = row % 3 == 0 ? "\"say \"\"hi\"\", then\nleave\"" : "plain \(row)"
      let amount = row % 5 == 0 ? "" : "\(row * 7 % 1000).\(row % 100)"
      text += "\(row),\(amount),2024-05-\(10 + row % 20),\(note)\r\n"
    }
    return Array(text.utf8)
  }

  private func jsonLines(rows: Int) -> [UInt8] {
    var text = ""
    for row in 0..<rows {
      let extra = row % 4 == 0 ? ", \"tags\": [\"a\", {\"b\": \(row)}]" : ""
      text +=
        "{\"n\": \(row - 50), \"s\": \"v\\\"\(row)\", \"at\": \"2024-05-01T10:00:\(10 + row % 50)Z\"\(extra)}\n"
    }
    return Array(text.utf8)
  }

  /// Reads `compressed` in pieces of `chunk` bytes: the format and table, or the failure.
  private func outcome(
    _ compressed: [UInt8], key: String, chunk: Int = .max, limits: TextStatisticsLimits = .init()
  ) throws -> Result<(format: FormatGuess, table: TableSummary?), GzipTableError> {
    let reader = try GzipTableReader(key: key, limits: limits)
    return Result { () throws(GzipTableError) in
      var start = 0
      while start < compressed.count {
        let end = start + min(chunk, compressed.count - start)
        try reader.consume(compressed[start..<end])
        start = end
      }
      return try reader.finish()
    }
  }

  private func read(
    _ compressed: [UInt8], key: String, chunk: Int = .max, limits: TextStatisticsLimits = .init()
  ) throws -> (format: FormatGuess, table: TableSummary?) {
    try outcome(compressed, key: key, chunk: chunk, limits: limits).get()
  }

  /// The error reading `compressed` fails with; nil when it reads.
  private func failure(
    _ compressed: [UInt8], key: String = "t.csv.gz", chunk: Int = .max,
    limits: TextStatisticsLimits = .init()
  ) throws -> GzipTableError? {
    guard case .failure(let error) = try outcome(compressed, key: key, chunk: chunk, limits: limits)
    else { return nil }
    return error
  }

  private func plainCSV(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) throws
    -> TableSummary
  {
    var scanner = DelimitedScanner(delimiter: delimiter)
    try scanner.consume(bytes[...])
    return try scanner.finish()
  }

  private func plainJSONLines(_ bytes: [UInt8]) throws -> TableSummary {
    var scanner = JSONLinesScanner()
    try scanner.consume(bytes[...])
    return try scanner.finish()
  }

  func test_gzip_csv_with_quoting_reads_as_the_plain_file() throws {
    let plain = quotedCSV(rows: 3_000)
    let expected = try plainCSV(plain)
    XCTAssertEqual(expected.rowCount, 3_000)
    let compressed = try gzipped(plain)
    for chunk in [Int.max, 1, 7, 4096] {
      let (format, table) = try read(compressed, key: "sales/part-0.csv.gz", chunk: chunk)
      XCTAssertEqual(table, expected, "chunk \(chunk)")
      XCTAssertEqual(format.format, .csv)
      XCTAssertTrue(format.gzip)
      XCTAssertEqual(format.contentType, "application/gzip")
    }
  }

  func test_gzip_json_lines_read_as_the_plain_file() throws {
    let plain = jsonLines(rows: 2_000)
    let expected = try plainJSONLines(plain)
    XCTAssertEqual(expected.columns.map(\.type), ["integer", "string", "timestamp", "json"])
    let compressed = try gzipped(plain, level: 1)
    for chunk in [Int.max, 13] {
      let (format, table) = try read(compressed, key: "events.jsonl.gz", chunk: chunk)
      XCTAssertEqual(format.format, .jsonLines)
      XCTAssertEqual(table, expected, "chunk \(chunk)")
    }
  }

  /// `cat a.gz b.gz`: the members are one stream, even when a record spans them; zero padding
  /// after the last member is skipped.
  func test_multi_member_streams_read_as_one() throws {
    let plain = quotedCSV(rows: 1_000)
    let cut = plain.count / 2 + 3
    let expected = try plainCSV(plain)
    let members =
      try gzipped(Array(plain[..<cut])) + gzipped(Array(plain[cut...]), level: 9)
    for chunk in [Int.max, 5, 1000] {
      XCTAssertEqual(try read(members, key: "a.csv.gz", chunk: chunk).table, expected)
      XCTAssertEqual(
        try read(members + [0, 0, 0, 0], key: "a.csv.gz", chunk: chunk).table, expected)
    }
    let reader = try GzipTableReader(key: "a.csv.gz")
    try reader.consume(members[...])
    XCTAssertEqual(reader.inflater.members, 2)
    XCTAssertEqual(reader.inflater.inflatedBytes, Int64(plain.count))
    XCTAssertEqual(reader.inflater.compressedBytes, Int64(members.count))
  }

  func test_a_truncated_stream_fails_as_ending_early() throws {
    let compressed = try gzipped(quotedCSV(rows: 2_000))
    // Cut in the deflate data, in the 8-byte trailer, and in the header.
    for length in [compressed.count / 2, compressed.count - 3, 5] {
      for chunk in [Int.max, 3] {
        guard case .gzip(let error)? = try failure(Array(compressed[..<length]), chunk: chunk)
        else {
          XCTFail("length \(length) chunk \(chunk) did not fail as gzip")
          continue
        }
        XCTAssertEqual(error.code, .truncated, "\(error)")
        XCTAssertTrue(error.message.hasPrefix("the gzip stream ends early"), error.message)
      }
    }
    // Only the second member cut short: still early.
    let two = compressed + compressed.prefix(30)
    guard case .gzip(let error)? = try failure(two) else { return XCTFail("not a gzip failure") }
    XCTAssertEqual(error.code, .truncated)
    XCTAssertTrue(error.message.contains("member 2"), error.message)
  }

  func test_corrupt_data_fails_with_zlibs_reason() throws {
    let compressed = try gzipped(quotedCSV(rows: 2_000))
    var flipped = compressed
    flipped[flipped.count - 6] ^= 0xFF  // the CRC-32 of the trailer
    guard case .gzip(let crc)? = try failure(flipped) else { return XCTFail("crc not caught") }
    XCTAssertEqual(crc.code, .corrupt)
    XCTAssertTrue(crc.message.contains("incorrect data check"), crc.message)

    var method = compressed
    method[2] = 7  // compression method other than deflate
    guard case .gzip(let header)? = try failure(method) else { return XCTFail("header not caught") }
    XCTAssertEqual(header.code, .corrupt)
    XCTAssertTrue(header.message.contains("unknown compression method"), header.message)

    // Bytes after a member that start no member.
    guard case .gzip(let trailing)? = try failure(compressed + Array("garbage".utf8)) else {
      return XCTFail("trailing garbage not caught")
    }
    XCTAssertEqual(trailing.code, .corrupt)
    XCTAssertTrue(trailing.message.contains("start no gzip member"), trailing.message)

    // Random bytes instead of deflate data, after a valid header.
    var random = SystemRandomNumberGenerator()
    for _ in 0..<50 {
      let noise =
        compressed.prefix(10) + (0..<500).map { _ in UInt8.random(in: 0...255, using: &random) }
      guard case .gzip(let error)? = try failure(Array(noise)) else { continue }
      XCTAssertTrue([.corrupt, .truncated].contains(error.code), "\(error)")
      XCTAssertFalse(error.message.isEmpty)
    }
  }

  /// A stream that inflates past `maxInflatedBytes` stops there; exactly at it is fine.
  func test_inflating_past_the_limit_stops_with_an_error() throws {
    let plain = quotedCSV(rows: 500)
    let compressed = try gzipped(plain)
    var limits = TextStatisticsLimits()
    limits.maxInflatedBytes = Int64(plain.count)
    XCTAssertEqual(try read(compressed, key: "a.csv.gz", limits: limits).table, try plainCSV(plain))
    limits.maxInflatedBytes = Int64(plain.count - 1)
    guard case .gzip(let error)? = try failure(compressed, limits: limits) else {
      return XCTFail("the limit was not enforced")
    }
    XCTAssertEqual(error.code, .tooLarge)
    XCTAssertEqual(error.message, "the gzip stream inflates to more than \(plain.count - 1) bytes")

    // A bomb: 64 MiB of zeros is about 64 KiB compressed; a 1 MiB limit stops it early.
    let bomb = try gzipped([UInt8](repeating: 0, count: 64 << 20), level: 9)
    limits.maxInflatedBytes = 1 << 20
    let inflater = try GzipInflater(maxInflatedBytes: limits.maxInflatedBytes)
    var seen = 0
    let result = bomb.withUnsafeBytes { buffer in
      Result { () throws(GzipInflateError<Never>) in
        try inflater.inflate(buffer) { seen += $0.count }
      }
    }
    guard case .failure(.gzip(let bombError)) = result else { return XCTFail("bomb not stopped") }
    XCTAssertEqual(bombError.code, .tooLarge)
    XCTAssertLessThanOrEqual(seen, 1 << 20)
  }

  /// The inner format comes from the inflated bytes, as for a plain file: `data.gz` holding
  /// semicolon-separated text is CSV with `;`; other bytes are no table.
  func test_the_inner_format_is_sniffed_from_the_inflated_head() throws {
    let semicolons = Array("a;b;c\n1;x;2024-01-01\n2;\"y;z\";2024-01-02\n".utf8)
    let (format, table) = try read(try gzipped(semicolons), key: "exports/data.gz")
    XCTAssertEqual(format.format, .csv)
    XCTAssertEqual(format.delimiter, UInt8(ascii: ";"))
    XCTAssertEqual(table, try plainCSV(semicolons, delimiter: UInt8(ascii: ";")))

    let json = jsonLines(rows: 3)
    XCTAssertEqual(try read(try gzipped(json), key: "blob").format.format, .jsonLines)

    for (inner, key) in [
      (Array("just some words\n".utf8), "notes.gz"),
      ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2], "img.gz"),
      (try gzipped(semicolons), "twice.gz"),
      (Array("PAR1".utf8) + [UInt8](repeating: 0, count: 20), "f.parquet.gz"),
    ] {
      let (format, table) = try read(try gzipped(inner), key: key)
      XCTAssertEqual(format, .gzipUnstructured, key)
      XCTAssertNil(table, key)
    }
    // Text that does not fit, named CSV, is read as CSV and fails like a plain file.
    let ragged = Array("a,b,c\n1,2,3\n4,5\n".utf8)
    guard case .table(let error)? = try failure(try gzipped(ragged), key: "r.CSV.gz") else {
      return XCTFail("a ragged CSV read")
    }
    XCTAssertEqual(error.description, "line 3: a record has 2 fields, the header 3")
  }

  /// Once the head shows no table the reader says so before the stream ends, so a caller
  /// can stop reading a large archive.
  func test_no_table_is_known_from_the_head() throws {
    var binary = [UInt8](repeating: 0, count: 100_000)
    for index in binary.indices { binary[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
    let compressed = try gzipped(binary)
    let reader = try GzipTableReader(key: "backup.tar.gz")
    XCTAssertNil(reader.isTable)
    try reader.consume(compressed.prefix(compressed.count / 2))
    XCTAssertEqual(reader.isTable, false)
  }
}
