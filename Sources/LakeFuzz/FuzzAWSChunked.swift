import LakeS3

/// `aws-chunked`: the input is `<mode> <decoded length> <announced trailers>\n` then an
/// `aws-chunked` body. Mode is the first byte mod 3 (`0` signed, `1` signed with trailer, `2`
/// unsigned with trailer); the length is the decimal digits after the first space (at most 9);
/// the trailer names are comma-separated after the second space. Signed modes use the AWS
/// example key, date and seed signature (seeds are encoded with them).
///
/// Invariants: no trap; fed whole, one byte at a time and in input-derived pieces the decoder
/// gives the same data, trailers and error; emitted bytes never exceed the decoded length and
/// equal it on success; a failed decoder stays failed. Separately, the body bytes encoded with
/// `AWSChunkedEncoder` (input-derived chunk sizes and trailers) decode back to themselves, and
/// in the signed modes that encoding with one byte changed never decodes to anything else.
let awsChunkedTarget = FuzzTarget(
  name: "aws-chunked",
  summary:
    "AWSChunkedDecoder: whole vs byte-at-a-time vs split agree; length bound; encoder round-trip",
  run: { data in
    let bytes = Array(data)
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
    let config = bytes[..<newline]
    let body = Array(bytes[min(newline + 1, bytes.endIndex)...])
    let mode = awsChunkedModes[Int((config.first ?? 0) % 3)]
    let fields = config.split(
      separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
    var length: Int64 = 0
    if fields.count > 1 {
      for digit in fields[1].prefix(9) where digit >= 0x30 && digit <= 0x39 {
        length = length * 10 + Int64(digit - 0x30)
      }
    }
    let announced =
      fields.count > 2
      ? fields[2].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map {
        fuzzText($0)
      } : []

    let hash = fuzzHash(bytes)
    let whole = decodeAWSChunked(body, mode: mode, length: length, announced: announced, piece: 0)
    let single = decodeAWSChunked(body, mode: mode, length: length, announced: announced, piece: 1)
    fuzzCheck(whole == single, "whole vs byte-at-a-time:\n\(whole)\n\(single)")
    let piece = Int(hash % 23) + 2
    let split = decodeAWSChunked(
      body, mode: mode, length: length, announced: announced, piece: piece)
    fuzzCheck(whole == split, "whole vs pieces of \(piece):\n\(whole)\n\(split)")
    if fuzzVerbose { printError("aws-chunked: \(whole)\n") }

    // Encode the body bytes, decode them back.
    let payload = Array(body.prefix(4096))
    var trailers: [(name: String, value: String)] = []
    if case .signed = mode {
    } else {
      // Within the default limits: 16 trailers, 16 KiB.
      var size = 0
      for name in announced where trailers.count < 16 {
        let token = fuzzFieldName(name.utf8)?.lowercased() ?? "x-amz-checksum-crc32"
        size += 2 * token.utf8.count + 3
        if token == "x-amz-trailer-signature" || trailers.contains(where: { $0.name == token })
          || size > 8192
        {
          continue
        }
        trailers.append((token, fuzzTargetPiece(token.utf8.reversed(), excluding: [])))
      }
    }
    var encoder = AWSChunkedEncoder(mode: mode)
    var encoded: [UInt8] = []
    var start = 0
    var mix = hash
    while start < payload.count {
      let end = min(payload.count, start + Int(mix % 300) + 1)
      encoded += encoder.chunk(payload[start..<end])
      start = end
      mix = mix &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    }
    encoded += encoder.finish(trailers: trailers)
    let names = trailers.map { $0.name }
    let expected = AWSChunkedResult(
      data: payload, trailers: trailers.map { "\($0.name):\($0.value)" }, error: nil)
    let decoded = decodeAWSChunked(
      encoded, mode: mode, length: Int64(payload.count), announced: names, piece: piece)
    fuzzCheck(decoded == expected, "own encoding: \(decoded)")

    if mode.signingChain != nil && !encoded.isEmpty {
      var changed = encoded
      let at = Int(mix % UInt64(encoded.count))
      changed[at] ^= UInt8(truncatingIfNeeded: hash >> 32) | 1
      let tampered = decodeAWSChunked(
        changed, mode: mode, length: Int64(payload.count), announced: names, piece: piece)
      fuzzCheck(
        tampered.error != nil || tampered == expected,
        "a changed byte at \(at) decoded to something else: \(tampered)")
    }
  })

/// The three modes, signed ones with the AWS example key, date and seed.
let awsChunkedModes: [AWSChunkedDecoder.Mode] = {
  let chain = AWSChunkedDecoder.SigningChain(
    seedSignature: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
    signingKey: SigV4.signingKey(
      secret: FuzzKeys.secretKey, date: "20130524", region: FuzzKeys.region, service: "s3"),
    scope: "20130524/us-east-1/s3/aws4_request", amzDate: "20130524T000000Z")
  return [.signed(chain), .signedWithTrailer(chain), .unsignedWithTrailer]
}()

/// What one feeding produced: after an error only the error (data emitted before it is
/// provisional and may differ with the split).
struct AWSChunkedResult: Equatable, CustomStringConvertible {
  var data: [UInt8] = []
  var trailers: [String] = []
  var error: S3Error?
  var description: String {
    "data \(data.count) bytes, trailers \(trailers), error \(String(describing: error))"
  }
}

/// Decodes `body` in pieces of `piece` bytes (0: whole), then finishes, checking the length
/// bound on every emit and that a failed decoder stays failed.
func decodeAWSChunked(
  _ body: [UInt8], mode: AWSChunkedDecoder.Mode, length: Int64, announced: [String], piece: Int
) -> AWSChunkedResult {
  var decoder = AWSChunkedDecoder(mode: mode, decodedLength: length, announcedTrailers: announced)
  var result = AWSChunkedResult()
  let step = piece == 0 ? max(body.count, 1) : piece
  var start = 0
  do {
    while start < body.count {
      let end = min(body.count, start + step)
      try body[start..<end].withUnsafeBytes { input in
        try decoder.decode(input) { output in
          result.data += output
          fuzzCheck(Int64(result.data.count) <= length, "emitted past the decoded length")
        }
      }
      start = end
    }
    result.trailers = try decoder.finish().map { "\($0.name):\($0.value)" }
    fuzzCheck(Int64(result.data.count) == length, "complete with \(result.data.count) bytes")
    fuzzCheck(decoder.decodedBytes == length && decoder.isComplete, "counters disagree")
  } catch let failure as S3Error {
    fuzzCheck((400...499).contains(failure.status), "status \(failure.status) for \(failure)")
    fuzzCheck(Int64(result.data.count) == decoder.decodedBytes, "decodedBytes disagrees")
    do {
      _ = try decoder.finish()
      fuzzCheck(false, "a failed decoder finished")
    } catch {
      fuzzCheck(error == failure, "a failed decoder changed its error")
    }
    return AWSChunkedResult(data: [], trailers: [], error: failure)
  } catch {
    fuzzCheck(false, "untyped error \(error)")
  }
  return result
}
