import XCTest

@testable import LakeHTTP

final class ChunkedDecoderTests: XCTestCase {
  private let encoded = Array(
    "5\r\nhello\r\n1;name=value;other\r\n \r\nA \r\n0123456789\r\n0\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\nNEXT"
      .utf8)
  private let expected = Array("hello 0123456789".utf8)

  /// Decodes `input` fed in pieces of `size` with an output buffer of `outputSize`.
  private func decode(_ input: [UInt8], pieces size: Int, outputSize: Int = 4096)
    throws(HTTPBodyError)
    -> (body: [UInt8], consumed: Int, complete: Bool)
  {
    var decoder = ChunkedDecoder()
    var body: [UInt8] = []
    var offset = 0
    var output = [UInt8](repeating: 0, count: outputSize)
    while offset < input.count && !decoder.isComplete {
      let end = min(input.count, offset + size)
      var pieceOffset = offset
      while pieceOffset < end && !decoder.isComplete {
        var result: Result<(consumed: Int, produced: Int), HTTPBodyError> = .success((0, 0))
        input[pieceOffset..<end].withUnsafeBytes { source in
          output.withUnsafeMutableBytes { target in
            do throws(HTTPBodyError) {
              result = .success(try decoder.decode(source, into: target))
            } catch {
              result = .failure(error)
            }
          }
        }
        let (consumed, produced) = try result.get()
        body += output[0..<produced]
        pieceOffset += consumed
        if consumed == 0 && produced == 0 { break }
      }
      offset = pieceOffset
    }
    return (body, offset, decoder.isComplete)
  }

  func testWholeBody() throws {
    var decoder = ChunkedDecoder()
    let (body, consumed) = try decoder.decode(encoded)
    XCTAssertEqual(body, expected)
    XCTAssertTrue(decoder.isComplete)
    XCTAssertEqual(consumed, encoded.count - 4, "bytes after the body are left alone")
    XCTAssertEqual(decoder.totalBytes, Int64(expected.count))
  }

  func testByteByByteAndBatches() throws {
    for size in [1, 2, 3, 5, 8, 13, 64] {
      let result = try decode(encoded, pieces: size)
      XCTAssertEqual(result.body, expected, "pieces of \(size)")
      XCTAssertTrue(result.complete)
      XCTAssertEqual(result.consumed, encoded.count - 4)
    }
  }

  func testSmallOutputBuffer() throws {
    let result = try decode(encoded, pieces: encoded.count, outputSize: 3)
    XCTAssertEqual(result.body, expected)
    XCTAssertTrue(result.complete)
  }

  func testEmptyBodyAndUppercaseHexAndLeadingZeros() throws {
    var empty = ChunkedDecoder()
    XCTAssertEqual(try empty.decode(Array("0\r\n\r\n".utf8)).body, [])
    XCTAssertTrue(empty.isComplete)
    var upper = ChunkedDecoder()
    let body = try upper.decode(Array("00B\r\nhello world\r\n0\r\n\r\n".utf8)).body
    XCTAssertEqual(String(decoding: body, as: UTF8.self), "hello world")
  }

  func testIncompleteBodyIsNotComplete() throws {
    var decoder = ChunkedDecoder()
    let (body, _) = try decoder.decode(Array("5\r\nhel".utf8))
    XCTAssertEqual(body, Array("hel".utf8))
    XCTAssertFalse(decoder.isComplete)
  }

  func testMalformedSizes() {
    let cases = [
      "\r\nhello\r\n0\r\n\r\n",  // no size
      "g\r\nhello\r\n0\r\n\r\n",  // not hex
      "-5\r\nhello\r\n0\r\n\r\n",
      "5 5\r\nhello\r\n0\r\n\r\n",
      "0x5\r\nhello\r\n0\r\n\r\n",
      "5\nhello\r\n0\r\n\r\n",  // bare LF
      "5\r\nhelloX\r\n0\r\n\r\n",  // data longer than the size
      "5\r\nhello\n0\r\n\r\n",
      "8000000000000000\r\n",  // overflows Int64
      "FFFFFFFFFFFFFFFFF\r\n",
      "5;ext\u{0}\r\nhello\r\n0\r\n\r\n",
      "0\r\nTrailer: x\n\r\n",
    ]
    for text in cases {
      var decoder = ChunkedDecoder()
      XCTAssertThrowsError(try decoder.decode(Array(text.utf8)), text.debugDescription) { error in
        XCTAssertEqual(error as? HTTPBodyError, .malformed, text.debugDescription)
      }
    }
  }

  func testLargestSizeWithoutOverflowIsTooLargeNotMalformed() {
    var decoder = ChunkedDecoder(maxBodyBytes: 1 << 40)
    XCTAssertThrowsError(try decoder.decode(Array("7FFFFFFFFFFFFFFF\r\n".utf8))) { error in
      XCTAssertEqual(error as? HTTPBodyError, .tooLarge)
    }
  }

  func testBodyLimit() throws {
    var decoder = ChunkedDecoder(maxBodyBytes: 8)
    XCTAssertThrowsError(try decoder.decode(Array("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n".utf8))) {
      XCTAssertEqual($0 as? HTTPBodyError, .tooLarge)
    }
    var exact = ChunkedDecoder(maxBodyBytes: 10)
    XCTAssertEqual(
      try exact.decode(Array("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n".utf8)).body.count, 10)
  }

  func testSizeLineAndTrailerLimits() {
    var longExtension = ChunkedDecoder()
    let ext = String(repeating: "x", count: ChunkedDecoder.maxSizeLineBytes)
    XCTAssertThrowsError(try longExtension.decode(Array("5;\(ext)\r\nhello\r\n".utf8)))
    var longTrailer = ChunkedDecoder()
    let trailer = String(repeating: "t", count: ChunkedDecoder.maxTrailerBytes)
    XCTAssertThrowsError(try longTrailer.decode(Array("0\r\nX: \(trailer)\r\n\r\n".utf8)))
  }

  func testFailureIsSticky() {
    var decoder = ChunkedDecoder()
    XCTAssertThrowsError(try decoder.decode(Array("zz\r\n".utf8)))
    XCTAssertThrowsError(try decoder.decode(Array("0\r\n\r\n".utf8)))
  }
}
