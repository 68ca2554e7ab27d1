import XCTest

@testable import LakeQuery

/// Formats come from content: a Parquet file named `.csv` is Parquet, a CSV named `.txt` is CSV.
final class DataFormatTests: XCTestCase {
  private func guess(_ text: String, key: String = "x/file", complete: Bool = true) -> FormatGuess {
    FormatGuess.detect(key: key, head: Array(text.utf8), complete: complete)
  }

  func testParquetFromItsMagicWhateverTheName() {
    let head = Array("PAR1".utf8) + [0x15, 0x04, 0x15]
    let found = FormatGuess.detect(key: "sales/part-0.csv", head: head, complete: false)
    XCTAssertEqual(found.format, .parquet)
    XCTAssertEqual(found.contentType, "application/vnd.apache.parquet")
  }

  func testCSVAndTSVFromConsistentFields() {
    XCTAssertEqual(
      guess("id,name,amount\n1,\"Smith, J\",10.5\n2,Lee,3\n", key: "a.txt").format, .csv)
    XCTAssertEqual(guess("id\tname\n1\tx\n2\ty").format, .tsv)
    XCTAssertEqual(guess("\u{FEFF}a;b\r\n1;2\r\n").format, .csv)
    XCTAssertEqual(guess("a,b\n1,2,3\n").format, .unstructured)  // fields disagree
    XCTAssertEqual(guess("just, one line\n").format, .unstructured)
    // A cut-off last line is not judged: the sample ends mid-record.
    XCTAssertEqual(guess("a,b\n1,2\n3", complete: false).format, .csv)
    XCTAssertEqual(
      guess("2024-05-01 INFO started\n2024-05-01 INFO done\n").contentType,
      "text/plain; charset=utf-8")
  }

  func testJSONLines() {
    XCTAssertEqual(guess("{\"a\": 1, \"b\": [1, {\"c\": \"}\"}]}\n{\"a\": 2}\n").format, .jsonLines)
    XCTAssertEqual(guess("{\"a\": 1}\n{\"a\": [}\n").format, .unstructured)
    XCTAssertEqual(guess("[1, 2]\n").format, .unstructured)
  }

  func testGzipTakesItsInnerFormatFromTheName() {
    let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00]
    XCTAssertEqual(
      FormatGuess.detect(key: "logs/day=1/part.CSV.gz", head: gzip, complete: false),
      FormatGuess(format: .csv, gzip: true, contentType: "application/gzip"))
    XCTAssertEqual(
      FormatGuess.detect(key: "events.jsonl.gz", head: gzip, complete: false).format, .jsonLines)
    XCTAssertEqual(
      FormatGuess.detect(key: "blob.gz", head: gzip, complete: false).format, .unstructured)
    // The suffix alone never makes a format: plain bytes named .csv.gz are not gzip.
    XCTAssertFalse(guess("a,b\n1,2\n", key: "x.csv.gz").gzip)
  }

  func testBinariesAndImages() {
    XCTAssertEqual(
      FormatGuess.detect(
        key: "img/a.png", head: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], complete: false
      )
      .contentType, "image/png")
    XCTAssertEqual(
      FormatGuess.detect(
        key: "a.csv", head: [0x61, 0x2C, 0x00, 0x0A, 0x62, 0x2C, 0x0A], complete: true
      ).format,
      .unstructured)
    XCTAssertEqual(
      FormatGuess.detect(
        key: "a", head: [0xC3, 0x28, 0x2C, 0x0A, 0x31, 0x2C, 0x0A], complete: true
      ).contentType,
      "application/octet-stream")
    XCTAssertEqual(
      FormatGuess.detect(key: "empty.csv", head: [], complete: true).format, .unstructured)
  }

  /// A CSV sample with one NUL, or one byte of invalid UTF-8, at any place (inside a word of
  /// eight or in the tail after the last whole word) is not read as CSV; a valid two-byte
  /// character at any place is.
  func testOneBadByteAnywhereInTheSample() {
    let csv = Array("id,name\n1,ab\n2,cd\n3,ef\n".utf8)
    for index in csv.indices where csv[index] != UInt8(ascii: "\n") {
      var nul = csv
      nul[index] = 0
      XCTAssertEqual(
        FormatGuess.detect(key: "a", head: nul, complete: true).format, .unstructured, "\(index)")
      var invalid = csv
      invalid[index] = 0xC3  // a lead byte without its continuation
      XCTAssertEqual(
        FormatGuess.detect(key: "a", head: invalid, complete: true).format, .unstructured,
        "\(index)")
    }
    for index in [8, 11, 15, 20] {  // inside the values, at and after a word's edge
      var accented = csv
      accented.replaceSubrange(index...index, with: Array("é".utf8))
      XCTAssertEqual(
        FormatGuess.detect(key: "a", head: accented, complete: true).format, .csv, "\(index)")
    }
  }
}
