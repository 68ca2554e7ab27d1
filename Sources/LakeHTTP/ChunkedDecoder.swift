import Glibc

/// Decodes a `Transfer-Encoding: chunked` body (RFC 9112 §7.1). A pure value: bytes in,
/// body bytes out.
///
/// Chunk sizes are hexadecimal with overflow checks; chunk extensions are skipped
/// (RFC 9112 §7.1.1); the trailer section is parsed for framing and discarded
/// (RFC 9112 §7.1.2). Line ends must be CRLF. A size line longer than
/// ``maxSizeLineBytes`` or a trailer section larger than ``maxTrailerBytes`` is malformed.
public struct ChunkedDecoder: Sendable {
  /// The longest chunk-size line accepted, extensions included.
  public static let maxSizeLineBytes = 4096
  /// The largest trailer section accepted.
  public static let maxTrailerBytes = 64 * 1024

  enum State: Sendable {
    case size, sizeSpace, chunkExtension, sizeLF, data, dataCR, dataLF
    case trailerStart, trailerLine, trailerLF, finalLF, done
  }

  var state = State.size
  var chunkSize: Int64 = 0
  var digits = 0
  var lineBytes = 0
  var remaining: Int64 = 0
  var trailerBytes = 0
  var failure: HTTPBodyError?
  let maxBodyBytes: Int64
  /// Body bytes produced so far.
  public private(set) var totalBytes: Int64 = 0

  /// Creates a decoder that throws ``HTTPBodyError/tooLarge`` once the decoded body would
  /// exceed `maxBodyBytes`.
  public init(maxBodyBytes: Int64 = .max) {
    self.maxBodyBytes = maxBodyBytes
  }

  /// Whether the last chunk and the trailer section have been read.
  public var isComplete: Bool { state == .done }

  /// Decodes from `input` into `output` until the input is used up, the output is full, or
  /// the body ends; bytes after the end of the body are not consumed.
  ///
  /// - Returns: how many input bytes were consumed and output bytes produced.
  /// - Throws: ``HTTPBodyError/malformed`` or ``HTTPBodyError/tooLarge``; the decoder then
  ///   stays failed.
  public mutating func decode(
    _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
  ) throws(HTTPBodyError) -> (consumed: Int, produced: Int) {
    if let failure { throw failure }
    var consumed = 0
    var produced = 0
    while consumed < input.count && state != .done {
      if state == .data {
        let count = Int(
          min(remaining, Int64(input.count - consumed), Int64(output.count - produced)))
        if count == 0 { break }
        memcpy(output.baseAddress! + produced, input.baseAddress! + consumed, count)
        consumed += count
        produced += count
        remaining -= Int64(count)
        totalBytes += Int64(count)
        if remaining == 0 { state = .dataCR }
        continue
      }
      do {
        try step(input[consumed])
      } catch {
        failure = error
        throw error
      }
      consumed += 1
    }
    return (consumed, produced)
  }

  /// Decodes a whole body held in memory; for tests and small bodies.
  public mutating func decode(_ input: [UInt8]) throws(HTTPBodyError) -> (
    body: [UInt8], consumed: Int
  ) {
    var body = [UInt8](repeating: 0, count: input.count)
    var result: Result<(consumed: Int, produced: Int), HTTPBodyError> = .success((0, 0))
    input.withUnsafeBytes { source in
      body.withUnsafeMutableBytes { target in
        do throws(HTTPBodyError) {
          result = .success(try decode(source, into: target))
        } catch {
          result = .failure(error)
        }
      }
    }
    let (consumed, produced) = try result.get()
    body.removeSubrange(produced...)
    return (body, consumed)
  }
}
