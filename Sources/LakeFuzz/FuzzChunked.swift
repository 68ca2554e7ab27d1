import LakeHTTP

/// `chunked`: the input is a `Transfer-Encoding: chunked` body as sent on the wire.
///
/// It is decoded whole into a large buffer, one byte at a time into a one-byte buffer, and in
/// input-derived piece and buffer sizes. Invariants: every decode call makes progress while
/// input and output room remain; all feedings give the same body, the same consumed count,
/// the same completion and the same error; `totalBytes` is the body length. When the body is
/// complete, decoding with `maxBodyBytes` equal to its length succeeds and one less fails with
/// `tooLarge`. Separately, the input taken as a body, chunked with input-derived sizes and
/// extensions, decodes back to itself.
let chunkedTarget = FuzzTarget(
  name: "chunked",
  summary: "ChunkedDecoder: whole vs byte-at-a-time vs split agree; limits; encode/decode",
  run: { data in
    let bytes = Array(data)
    let whole = decodeChunked(bytes, piece: max(bytes.count, 1), room: bytes.count + 1)
    let single = decodeChunked(bytes, piece: 1, room: 1)
    fuzzCheck(whole == single, "whole vs byte-at-a-time:\n\(whole)\n\(single)")
    let hash = fuzzHash(bytes)
    let piece = Int(hash % 17) + 1
    let room = Int((hash >> 8) % 13) + 1
    let split = decodeChunked(bytes, piece: piece, room: room)
    fuzzCheck(whole == split, "whole vs pieces of \(piece), room \(room):\n\(whole)\n\(split)")

    if whole.complete {
      let length = Int64(whole.body.count)
      let fits = decodeChunked(bytes, piece: bytes.count, room: bytes.count + 1, limit: length)
      fuzzCheck(fits == whole, "a limit equal to the body length refused it: \(fits)")
      if length > 0 {
        let over = decodeChunked(
          bytes, piece: bytes.count, room: bytes.count + 1, limit: length - 1)
        fuzzCheck(over.error == .tooLarge, "a limit one under the body length: \(over)")
      }
    }

    // Encode the input as a body, then decode it.
    var encoded: [UInt8] = []
    var index = 0
    var mix = hash
    while index < bytes.count {
      let size = min(bytes.count - index, Int(mix % 40) + 1)
      encoded += Array(String(size, radix: 16, uppercase: mix & 1 == 0).utf8)
      if mix & 6 == 2 { encoded += Array(";name=\"v\"".utf8) }
      encoded += [0x0D, 0x0A] + bytes[index..<(index + size)] + [0x0D, 0x0A]
      index += size
      mix = mix &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    }
    encoded += Array("0\r\nx-trailer: 1\r\n\r\n".utf8)
    let trailing = encoded.count
    encoded += bytes.prefix(3)  // bytes after the body are not consumed
    let decoded = decodeChunked(encoded, piece: piece, room: room)
    fuzzCheck(decoded.error == nil && decoded.complete, "own encoding refused: \(decoded)")
    fuzzCheck(decoded.body == bytes, "own encoding decoded to different bytes")
    fuzzCheck(decoded.consumed == trailing, "consumed \(decoded.consumed) of \(trailing)")
  })

/// What a feeding produced. A call that throws reports neither what it consumed nor what it
/// produced, so after an error only the error and the decoder's `totalBytes` are compared.
struct ChunkedResult: Equatable, CustomStringConvertible {
  var body: [UInt8] = []
  var consumed = 0
  var complete = false
  var totalBytes: Int64 = 0
  var error: HTTPBodyError?
  var description: String {
    "body \(body.count) bytes, consumed \(consumed), total \(totalBytes), "
      + "complete \(complete), error \(String(describing: error))"
  }
}

/// Decodes `bytes` handed over `piece` bytes at a time, into output buffers of `room` bytes.
func decodeChunked(_ bytes: [UInt8], piece: Int, room: Int, limit: Int64 = .max) -> ChunkedResult {
  var decoder = ChunkedDecoder(maxBodyBytes: limit)
  var result = ChunkedResult()
  var output = [UInt8](repeating: 0, count: room)
  var start = 0
  outer: while start < bytes.count && !decoder.isComplete {
    let end = min(bytes.count, start + piece)
    var offset = start
    while offset < end && !decoder.isComplete {
      let step: (consumed: Int, produced: Int)
      do {
        step = try bytes[offset..<end].withUnsafeBytes { input in
          try output.withUnsafeMutableBytes { buffer in
            try decoder.decode(input, into: buffer)
          }
        }
      } catch let failure as HTTPBodyError {
        result.error = failure
        // A failed decoder stays failed.
        do {
          _ = try [UInt8(ascii: "0")].withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { try decoder.decode(input, into: $0) }
          }
          fuzzCheck(false, "a failed decoder recovered")
        } catch {
          fuzzCheck((error as? HTTPBodyError) == failure, "a failed decoder changed its error")
        }
        break outer
      } catch {
        fuzzCheck(false, "untyped error \(error)")
        return result
      }
      fuzzCheck(
        step.consumed > 0 || step.produced > 0 || decoder.isComplete,
        "decode made no progress with \(end - offset) bytes and \(room) bytes of room")
      fuzzCheck(step.consumed <= end - offset && step.produced <= room, "counts out of range")
      result.body += output[..<step.produced]
      offset += step.consumed
      result.consumed += step.consumed
    }
    start = end
  }
  result.complete = decoder.isComplete
  result.totalBytes = decoder.totalBytes
  if result.error != nil {
    fuzzCheck(!result.complete, "failed and complete")
    result.body = []
    result.consumed = 0
  } else {
    fuzzCheck(decoder.totalBytes == Int64(result.body.count), "totalBytes is not the body length")
  }
  return result
}
