import Foundation
import XCTest

@testable import LakeS3

/// `AWSChunkedDecoder` and `AWSChunkedEncoder` against the AWS documentation's examples
/// ("Transferring Payload in Multiple Chunks" and "Including Trailing Headers"), a body
/// botocore produced, and every error; each body fed whole, one byte at a time and in random
/// pieces.
final class AWSChunkedDecoderTests: XCTestCase {
  typealias Trailers = [(name: String, value: String)]

  static let awsKey = SigV4.signingKey(
    secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", date: "20130524", region: "us-east-1",
    service: "s3")
  static let awsChain = AWSChunkedDecoder.SigningChain(
    seedSignature: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
    signingKey: awsKey, scope: "20130524/us-east-1/s3/aws4_request", amzDate: "20130524T000000Z")

  /// The published example body: 66560 bytes of `a` in a 64 KiB chunk, a 1 KiB chunk and the
  /// final chunk, with the published signatures.
  static let awsExampleBody: [UInt8] = {
    func chunk(_ size: Int, _ signature: String) -> [UInt8] {
      Array("\(String(size, radix: 16));chunk-signature=\(signature)\r\n".utf8)
        + [UInt8](repeating: UInt8(ascii: "a"), count: size) + Array("\r\n".utf8)
    }
    return chunk(65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648")
      + chunk(1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497")
      + chunk(0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9")
  }()

  /// What a feeding produced: the data and trailers, or the first error.
  struct Outcome: Equatable {
    var data: [UInt8] = []
    var trailers: [String] = []
    var error: S3Error?
  }

  /// Feeds `body` in pieces of the sizes `nextPiece` returns, then finishes.
  static func decode(
    _ body: [UInt8], mode: AWSChunkedDecoder.Mode, length: Int64, announced: [String] = [],
    limits: AWSChunkedDecoder.Limits = .init(), nextPiece: () -> Int = { .max }
  ) -> Outcome {
    var decoder = AWSChunkedDecoder(
      mode: mode, decodedLength: length, announcedTrailers: announced, limits: limits)
    var outcome = Outcome()
    var start = 0
    do {
      while start < body.count {
        let end = start + min(body.count - start, max(1, nextPiece()))
        try body[start..<end].withUnsafeBytes { piece in
          try decoder.decode(piece) { outcome.data += $0 }
        }
        start = end
      }
      outcome.trailers = try decoder.finish().map { "\($0.name):\($0.value)" }
      XCTAssertEqual(decoder.decodedBytes, length)
      XCTAssertTrue(decoder.isComplete)
    } catch {
      outcome.error = error as? S3Error
      XCTAssertNotNil(outcome.error, "not an S3Error: \(error)")
      XCTAssertLessThanOrEqual(decoder.decodedBytes, max(length, 0))
      // A failed decoder stays failed.
      XCTAssertThrowsError(try decoder.finish()) { XCTAssertEqual($0 as? S3Error, outcome.error) }
      XCTAssertThrowsError(try [UInt8(0x30)].withUnsafeBytes { try decoder.decode($0) { _ in } }) {
        XCTAssertEqual($0 as? S3Error, outcome.error)
      }
    }
    return outcome
  }

  /// Decodes whole, one byte at a time and in random pieces; checks they agree and returns
  /// the outcome.
  static func decodeAllWays(
    _ body: [UInt8], mode: AWSChunkedDecoder.Mode, length: Int64, announced: [String] = [],
    limits: AWSChunkedDecoder.Limits = .init(), file: StaticString = #filePath, line: UInt = #line
  ) -> Outcome {
    let whole = decode(body, mode: mode, length: length, announced: announced, limits: limits)
    let single = decode(
      body, mode: mode, length: length, announced: announced, limits: limits, nextPiece: { 1 })
    XCTAssertEqual(whole, single, "whole vs byte at a time", file: file, line: line)
    var random = SplitMix(seed: UInt64(body.count))
    for _ in 0..<3 {
      let split = decode(
        body, mode: mode, length: length, announced: announced, limits: limits,
        nextPiece: { Int(random.next() % 700) + 1 })
      XCTAssertEqual(whole, split, "whole vs random pieces", file: file, line: line)
    }
    return whole
  }

  func testAWSExampleChunkSignaturesVerify() throws {
    XCTAssertEqual(Self.awsExampleBody.count, 66824)  // the example's Content-Length
    let outcome = Self.decodeAllWays(
      Self.awsExampleBody, mode: .signed(Self.awsChain), length: 66560)
    XCTAssertNil(outcome.error)
    XCTAssertEqual(outcome.data, [UInt8](repeating: UInt8(ascii: "a"), count: 66560))
    XCTAssertEqual(outcome.trailers, [])
    // The encoder writes the same body.
    let encoded = AWSChunkedEncoder.encode(
      [UInt8](repeating: UInt8(ascii: "a"), count: 66560), chunkSize: 65536,
      mode: .signed(Self.awsChain))
    XCTAssertEqual(encoded, Self.awsExampleBody)
  }

  func testAWSExampleTamperingFails() throws {
    var dataFlipped = Self.awsExampleBody
    dataFlipped[5000] = UInt8(ascii: "b")  // in the first chunk's data
    var lastChunkFlipped = Self.awsExampleBody
    lastChunkFlipped[65_700] = UInt8(ascii: "b")  // in the second chunk's data
    var signatureFlipped = Self.awsExampleBody
    let finalHeader = Self.awsExampleBody.count - 2 - 64 - 2
    signatureFlipped[finalHeader] = signatureFlipped[finalHeader] == 0x30 ? 0x31 : 0x30
    for body in [dataFlipped, lastChunkFlipped, signatureFlipped] {
      let outcome = Self.decodeAllWays(body, mode: .signed(Self.awsChain), length: 66560)
      XCTAssertEqual(outcome.error?.code, .signatureDoesNotMatch)
    }
    // Another seed breaks the first chunk.
    var chain = Self.awsChain
    chain.seedSignature = String(repeating: "0", count: 64)
    XCTAssertEqual(
      Self.decode(Self.awsExampleBody, mode: .signed(chain), length: 66560).error?.code,
      .signatureDoesNotMatch)
  }

  /// The example request's seed signature through `SigV4Verifier`, then its body through the
  /// mode built from the verified authentication.
  func testModeFromVerifiedAWSExampleRequest() throws {
    let request = SigV4RequestView(
      method: "PUT", rawPath: "/examplebucket/chunkObject.txt", rawQuery: nil,
      headers: [
        ("Host", "s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        (
          "Authorization",
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
        ),
        ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        ("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", "66560"),
        ("Content-Length", "66824"),
      ])
    let verifier = SigV4Verifier(region: "us-east-1") {
      $0 == "AKIAIOSFODNN7EXAMPLE" ? "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" : nil
    }
    let now = S3Date.parseAmzDate("20130524T000000Z")!
    let authentication = try XCTUnwrap(try verifier.verify(request, now: now))
    let mode = try AWSChunkedDecoder.Mode(authentication: authentication)
    XCTAssertEqual(mode, .signed(Self.awsChain))
    XCTAssertNil(Self.decode(Self.awsExampleBody, mode: mode, length: 66560).error)

    var other = authentication
    other.payload = .streaming("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")
    XCTAssertThrowsError(try AWSChunkedDecoder.Mode(authentication: other)) {
      XCTAssertEqual(($0 as? S3Error)?.code, .invalidArgument)
    }
    other.payload = .unsigned
    XCTAssertThrowsError(try AWSChunkedDecoder.Mode(authentication: other)) {
      XCTAssertEqual(($0 as? S3Error)?.code, .invalidRequest)
    }
    for name in [
      AWSChunkedDecoder.signedPayloadTrailer, AWSChunkedDecoder.unsignedPayloadTrailer,
    ] {
      other.payload = .streaming(name)
      XCTAssertEqual(try AWSChunkedDecoder.Mode(authentication: other).payloadHashName, name)
    }
  }

  /// The trailer signature of the "Including Trailing Headers" example (as MinIO's client
  /// tests it): one CRC32C trailer after the final chunk signature `e05ab64f...`.
  func testAWSExampleTrailerSignature() {
    let signature = Self.awsChain.trailerSignature(
      previous: "e05ab64fe1dfdbf0b5870abbaabdb063c371d4e96f2767e6934d90529c5ae850",
      trailers: [("x-amz-checksum-crc32c", "wdBDMA==")])
    XCTAssertEqual(signature, "41e14ac611e27a8bb3d66c3bad6856f209297767d5dd4fc87d8fa9e422e03faf")
  }

  /// A body botocore 1.43's `AwsChunkedWrapper` wrote (`apply_request_checksum` with a CRC32
  /// trailer, chunk size 32): 74 bytes, `CRLF` and control bytes among them.
  func testBotocoreUnsignedTrailerBody() throws {
    let body = Array(
      Data(
        base64Encoded:
          "MjANCkxha2VTdG9yZSBhd3MtY2h1bmtlZCBmaXh0dXJlOiAADQoyMA0KAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyANCmENCiEiIyQlJicKCgoNCjANCngtYW16LWNoZWNrc3VtLWNyYzMyOlZTblhoZz09DQoNCg=="
      )!)
    let data = Array(
      Data(
        base64Encoded:
          "TGFrZVN0b3JlIGF3cy1jaHVua2VkIGZpeHR1cmU6IAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicKCgo="
      )!)
    // Headers botocore set: X-Amz-Trailer: x-amz-checksum-crc32, X-Amz-Decoded-Content-Length: 74.
    let outcome = Self.decodeAllWays(
      body, mode: .unsignedWithTrailer, length: 74, announced: ["x-amz-checksum-crc32"])
    XCTAssertNil(outcome.error)
    XCTAssertEqual(outcome.data, data)
    XCTAssertEqual(outcome.trailers, ["x-amz-checksum-crc32:VSnXhg=="])
    // Our encoder writes the same bytes.
    XCTAssertEqual(
      AWSChunkedEncoder.encode(
        data, chunkSize: 32, mode: .unsignedWithTrailer,
        trailers: [("x-amz-checksum-crc32", "VSnXhg==")]), body)
  }

  func testEveryModeRoundTrips() {
    var random = SplitMix(seed: 7)
    let data = (0..<20_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    let crc = [("x-amz-checksum-crc32", "AAAAAA==")]
    let cases: [(AWSChunkedDecoder.Mode, Trailers)] = [
      (.signed(Self.awsChain), []), (.signedWithTrailer(Self.awsChain), crc),
      (.signedWithTrailer(Self.awsChain), []), (.unsignedWithTrailer, crc),
      (.unsignedWithTrailer, []),
    ]
    for (mode, trailers) in cases {
      for (size, chunkSize) in [(20_000, 8192), (1, 1), (0, 1), (8192, 8192)] {
        let body = AWSChunkedEncoder.encode(
          Array(data.prefix(size)), chunkSize: chunkSize, mode: mode, trailers: trailers)
        let outcome = Self.decodeAllWays(
          body, mode: mode, length: Int64(size), announced: trailers.map { $0.name })
        XCTAssertNil(outcome.error, "\(mode) \(size)")
        XCTAssertEqual(outcome.data, Array(data.prefix(size)))
        XCTAssertEqual(outcome.trailers, trailers.map { "\($0.name):\($0.value)" })
      }
    }
  }

  /// Names in any case, spaces around the colon and the value, LF-only lines, a missing
  /// closing empty line: accepted, and the signature covers the canonical text.
  func testTrailerCanonicalisation() {
    XCTAssertEqual(
      AWSChunkedDecoder.canonicalTrailerText([
        ("X-Amz-Checksum-CRC32", " abc \t"), ("x-amz-a", "1"),
      ]), "x-amz-a:1\nx-amz-checksum-crc32:abc\n")
    // x-amz-trailer names: trimmed, lowercased, deduplicated, the signature left out.
    XCTAssertEqual(
      AWSChunkedDecoder(
        mode: .unsignedWithTrailer, decodedLength: 0,
        announcedTrailers: [
          " X-Amz-Checksum-CRC32", "x-amz-trailer-signature", "x-amz-checksum-crc32", "",
        ]
      ).announcedTrailers, ["x-amz-checksum-crc32"])
    let trailers = [("x-amz-checksum-crc32", "AAAAAA=="), ("x-amz-meta-x", "v w")]
    let mode = AWSChunkedDecoder.Mode.signedWithTrailer(Self.awsChain)
    let body = AWSChunkedEncoder.encode(
      Array("hello".utf8), chunkSize: 5, mode: mode, trailers: trailers)
    var text = String(decoding: body, as: UTF8.self)
    text = text.replacingOccurrences(
      of: "x-amz-checksum-crc32:AAAAAA==\r\nx-amz-meta-x:v w\r\n",
      with: "X-Amz-Meta-X :  v w\nX-AMZ-CHECKSUM-CRC32:\tAAAAAA==  \r\n")
    XCTAssertTrue(text.hasSuffix("\r\n\r\n"))
    text.removeLast()  // no closing empty line (one Character: "\r\n")
    let outcome = Self.decodeAllWays(
      Array(text.utf8), mode: mode, length: 5, announced: ["X-Amz-Checksum-Crc32", "x-amz-meta-x"])
    XCTAssertNil(outcome.error)
    XCTAssertEqual(outcome.trailers, ["x-amz-meta-x:v w", "x-amz-checksum-crc32:AAAAAA=="])
    // A changed value no longer verifies.
    let changed = text.replacingOccurrences(of: "v w", with: "v  w")
    XCTAssertEqual(
      Self.decode(
        Array(changed.utf8), mode: mode, length: 5,
        announced: ["x-amz-checksum-crc32", "x-amz-meta-x"]
      ).error?.code, .signatureDoesNotMatch)
  }

  /// Upper-case hex in sizes and signatures, leading zeros, a missing closing line after the
  /// final chunk of a signed body.
  func testLenientButValidSpellings() {
    let unsigned = Array("A\r\n0123456789\r\n00\r\n".utf8)
    XCTAssertEqual(
      Self.decodeAllWays(unsigned, mode: .unsignedWithTrailer, length: 10).data,
      Array("0123456789".utf8))
    let signed = String(decoding: Self.awsExampleBody.dropLast(2), as: UTF8.self)
      .replacingOccurrences(
        of: "chunk-signature=ad80c730a21e", with: "chunk-signature=AD80C730A21E")
    XCTAssertNil(
      Self.decodeAllWays(Array(signed.utf8), mode: .signed(Self.awsChain), length: 66560).error)
  }

  func testErrors() {
    let signed = AWSChunkedDecoder.Mode.signed(Self.awsChain)
    let signedTrailer = AWSChunkedDecoder.Mode.signedWithTrailer(Self.awsChain)
    let unsigned = AWSChunkedDecoder.Mode.unsignedWithTrailer
    let crc = "x-amz-checksum-crc32"
    let goodSigned = String(
      decoding: AWSChunkedEncoder.encode(
        Array("hello".utf8), chunkSize: 5, mode: signedTrailer, trailers: [(crc, "AAAAAA==")]),
      as: UTF8.self)
    let trailerSignature = String(goodSigned.split(separator: "\r\n")[4])
    let small = AWSChunkedDecoder.Limits(
      maxChunkHeaderBytes: 8, maxTrailerBytes: 40, maxTrailerCount: 1)
    // (mode, decoded length, announced, body, limits, expected code, why)
    let cases:
      [(
        AWSChunkedDecoder.Mode, Int64, [String], String, AWSChunkedDecoder.Limits?, S3ErrorCode,
        String
      )] = [
        (unsigned, 5, [], "zz\r\nhello\r\n0\r\n\r\n", nil, .incompleteBody, "size not hex"),
        (unsigned, 5, [], "\r\nhello\r\n0\r\n\r\n", nil, .incompleteBody, "empty size"),
        (unsigned, 5, [], "00000000000000005\r\nhello\r\n", nil, .incompleteBody, "17 digits"),
        (unsigned, 5, [], "ffffffffffffffff\r\n", nil, .incompleteBody, "size past UInt64/Int64"),
        (unsigned, 5, [], "8000000000000000\r\n", nil, .incompleteBody, "size past Int64"),
        (unsigned, 5, [], "6\r\nhello!\r\n", nil, .incompleteBody, "chunk past decoded length"),
        (unsigned, 5, [], "5\nhello\r\n0\r\n\r\n", nil, .incompleteBody, "header ends with LF"),
        (unsigned, 5, [], "5 \r\nhello\r\n0\r\n\r\n", nil, .incompleteBody, "space after size"),
        (unsigned, 5, [], "5;x=y\r\nhello\r\n0\r\n\r\n", nil, .incompleteBody, "extension"),
        (unsigned, 5, [], "0000005\r\nhello\r\n0\r\n\r\n", small, .incompleteBody, "long header"),
        (unsigned, 5, [], "5\r\nhelloX\r\n0\r\n\r\n", nil, .incompleteBody, "no CRLF after data"),
        (unsigned, 5, [], "5\r\nhello\r0\r\n\r\n", nil, .incompleteBody, "CR without LF"),
        (unsigned, 6, [], "5\r\nhello\r\n0\r\n\r\n", nil, .incompleteBody, "short of length"),
        (unsigned, 5, [], "5\r\nhel", nil, .incompleteBody, "truncated data"),
        (unsigned, 5, [], "5\r\nhello\r\n", nil, .incompleteBody, "no final chunk"),
        (unsigned, 5, [], "5\r\nhello\r\n0\r", nil, .incompleteBody, "truncated final chunk"),
        (unsigned, 5, [crc], "5\r\nhello\r\n0\r\n\(crc):AA", nil, .incompleteBody, "cut trailer"),
        (unsigned, 5, [crc], "5\r\nhello\r\n0\r\n\r\n", nil, .malformedTrailer, "missing"),
        (
          unsigned, 5, [], "5\r\nhello\r\n0\r\n\(crc):A\r\n\r\n", nil, .malformedTrailer,
          "unannounced"
        ),
        (
          unsigned, 5, [crc], "5\r\nhello\r\n0\r\n\(crc):A\r\n\(crc):A\r\n\r\n", nil,
          .malformedTrailer, "twice"
        ),
        (
          unsigned, 5, [crc], "5\r\nhello\r\n0\r\n\(crc)\r\n\r\n", nil, .malformedTrailer,
          "no colon"
        ),
        (unsigned, 5, [crc], "5\r\nhello\r\n0\r\n:A\r\n\r\n", nil, .malformedTrailer, "no name"),
        (
          unsigned, 5, [crc], "5\r\nhello\r\n0\r\n\(crc):A\u{1}\r\n\r\n", nil, .malformedTrailer,
          "control byte"
        ),
        (
          unsigned, 5, [crc], "5\r\nhello\r\n0\r\n\(crc):A\r\n\r\n0\r\n", nil, .malformedTrailer,
          "bytes after the end"
        ),
        (
          unsigned, 5, ["a", "b"], "5\r\nhello\r\n0\r\na:1\r\nb:2\r\n\r\n", small,
          .malformedTrailer, "too many trailers"
        ),
        (
          unsigned, 5, [crc],
          "5\r\nhello\r\n0\r\n\(crc):\(String(repeating: "A", count: 30))\r\n\r\n",
          small, .malformedTrailer, "trailers too long"
        ),
        (
          unsigned, 5, [crc], "5\r\nhello\r\n0\r\n\(crc):A\r\n\(trailerSignature)\r\n\r\n", nil,
          .malformedTrailer, "signature on unsigned trailers"
        ),
        (unsigned, -1, [], "0\r\n\r\n", nil, .invalidArgument, "negative length"),
        (
          signed, 5, [], "5;chunk-signature=\(String(repeating: "0", count: 64))\r\nhello\r\n", nil,
          .signatureDoesNotMatch, "wrong chunk signature"
        ),
        (signed, 5, [], "5\r\nhello\r\n", nil, .incompleteBody, "signed chunk without signature"),
        (
          signed, 5, [], "5;chunk-signature=\(String(repeating: "0", count: 63))\r\nhello\r\n", nil,
          .incompleteBody, "short signature"
        ),
        (
          signed, 5, [], "5;chunk-signature=\(String(repeating: "g", count: 64))\r\nhello\r\n", nil,
          .incompleteBody, "signature not hex"
        ),
        (
          signedTrailer, 5, [crc],
          goodSigned.replacingOccurrences(of: "AAAAAA==", with: "AAAAAB=="),
          nil, .signatureDoesNotMatch, "changed trailer"
        ),
        (
          signedTrailer, 5, [crc],
          goodSigned.replacingOccurrences(of: trailerSignature + "\r\n", with: ""),
          nil, .malformedTrailer, "trailer signature missing"
        ),
        (
          signedTrailer, 5, [crc],
          goodSigned.replacingOccurrences(
            of: trailerSignature, with: trailerSignature + "\r\nx-amz-meta-a:1"), nil,
          .malformedTrailer, "trailer after the signature"
        ),
        (
          signedTrailer, 5, [], goodSigned, nil, .malformedTrailer, "signed trailer not announced"
        ),
      ]
    for (mode, length, announced, body, limits, code, why) in cases {
      let outcome = Self.decodeAllWays(
        Array(body.utf8), mode: mode, length: length, announced: announced,
        limits: limits ?? .init())
      XCTAssertEqual(outcome.error?.code, code, why)
      XCTAssertEqual(outcome.error?.status, code.status, why)
    }
    // Sanity: the signed-trailer body the cases break is itself fine.
    XCTAssertNil(
      Self.decodeAllWays(Array(goodSigned.utf8), mode: signedTrailer, length: 5, announced: [crc])
        .error)
    // A signed body without trailers must not carry any.
    let withTrailer = String(decoding: Self.awsExampleBody, as: UTF8.self) + "x-amz-a:1\r\n\r\n"
    var trimmed = Array(withTrailer.utf8)
    trimmed.removeSubrange((Self.awsExampleBody.count - 2)..<Self.awsExampleBody.count)
    XCTAssertEqual(
      Self.decodeAllWays(trimmed, mode: signed, length: 66560, announced: ["x-amz-a"]).error?.code,
      .malformedTrailer)
  }

  /// Chunk data reaches the closure as slices of the input, one call per chunk piece.
  func testDataIsEmittedWithoutCopyingChunks() throws {
    var decoder = AWSChunkedDecoder(mode: .signed(Self.awsChain), decodedLength: 66560)
    var calls: [Int] = []
    try Self.awsExampleBody.withUnsafeBytes { body in
      try decoder.decode(body) { piece in
        calls.append(piece.count)
        XCTAssertTrue(
          piece.baseAddress! >= body.baseAddress!
            && piece.baseAddress! + piece.count <= body.baseAddress! + body.count)
      }
    }
    XCTAssertEqual(calls, [65536, 1024])
    XCTAssertEqual(try decoder.finish().count, 0)
  }

  func testEmitErrorPropagatesAndFailsTheDecoder() {
    struct Stop: Error {}
    var decoder = AWSChunkedDecoder(mode: .unsignedWithTrailer, decodedLength: 5)
    XCTAssertThrowsError(
      try Array("5\r\nhello\r\n0\r\n\r\n".utf8).withUnsafeBytes {
        try decoder.decode($0) { _ in throw Stop() }
      }
    ) { XCTAssertTrue($0 is Stop) }
    XCTAssertThrowsError(try decoder.finish()) {
      XCTAssertEqual(($0 as? S3Error)?.code, .internalError)
    }
  }

  /// The signing key never reaches a description.
  func testSigningChainDescriptionHidesTheKey() {
    let text = String(describing: AWSChunkedDecoder.Mode.signed(Self.awsChain))
    XCTAssertFalse(text.contains(String(describing: Self.awsKey)))
    XCTAssertFalse(text.contains(Hex.encode(Self.awsKey)))
  }
}

/// A small deterministic generator (SplitMix64) for reproducible random splits.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
