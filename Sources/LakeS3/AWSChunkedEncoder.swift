import Crypto

/// Encodes a body as `aws-chunked`, the counterpart of `AWSChunkedDecoder`, for clients
/// uploading with a streaming `x-amz-content-sha256` (`mode.payloadHashName`).
///
/// Call `chunk(_:)` for each piece of data, in order, then `finish(trailers:)` once. For the
/// signed modes, sign the request with `mode.payloadHashName` as the payload hash and build
/// the `SigningChain` from that signature (the seed). S3 wants every signed chunk but the last
/// to hold at least 8 KiB; the encoder leaves chunk sizes to the caller.
public struct AWSChunkedEncoder: Sendable {
  public let mode: AWSChunkedDecoder.Mode
  private var previousSignature: String

  public init(mode: AWSChunkedDecoder.Mode) {
    self.mode = mode
    self.previousSignature = mode.signingChain?.seedSignature.lowercased() ?? ""
  }

  /// One data chunk: `<hex size>[;chunk-signature=<hex>]\r\n<data>\r\n`. `data` must not be
  /// empty (the empty chunk ends the body: `finish`).
  public mutating func chunk<Bytes: Collection>(_ data: Bytes) -> [UInt8]
  where Bytes.Element == UInt8 {
    precondition(!data.isEmpty, "an empty chunk ends the body; call finish(trailers:)")
    let bytes = Array(data)
    var out = header(size: bytes.count, dataHash: SigV4.sha256Hex(bytes))
    out += bytes
    out += [0x0D, 0x0A]
    return out
  }

  /// The final zero-size chunk, the trailers (each `name:value\r\n`, then
  /// `x-amz-trailer-signature` in `.signedWithTrailer`) and the closing empty line.
  /// `.signed` takes no trailers.
  public mutating func finish(trailers: [(name: String, value: String)] = []) -> [UInt8] {
    var out = header(size: 0, dataHash: SigV4.emptyPayloadHash)
    switch mode {
    case .signed:
      precondition(trailers.isEmpty, "\(AWSChunkedDecoder.signedPayload) carries no trailers")
    case .signedWithTrailer(let chain):
      for trailer in trailers { out += Array("\(trailer.name):\(trailer.value)\r\n".utf8) }
      let signature = chain.trailerSignature(previous: previousSignature, trailers: trailers)
      out += Array("\(AWSChunkedDecoder.trailerSignatureName):\(signature)\r\n".utf8)
    case .unsignedWithTrailer:
      for trailer in trailers { out += Array("\(trailer.name):\(trailer.value)\r\n".utf8) }
    }
    out += [0x0D, 0x0A]
    return out
  }

  /// A whole body: `data` in chunks of `chunkSize` bytes (the last may be shorter), then
  /// `finish(trailers:)`.
  public static func encode(
    _ data: [UInt8], chunkSize: Int, mode: AWSChunkedDecoder.Mode,
    trailers: [(name: String, value: String)] = []
  ) -> [UInt8] {
    precondition(chunkSize > 0, "chunkSize must be positive")
    var encoder = AWSChunkedEncoder(mode: mode)
    var out: [UInt8] = []
    var start = 0
    while start < data.count {
      let end = min(data.count, start + chunkSize)
      out += encoder.chunk(data[start..<end])
      start = end
    }
    return out + encoder.finish(trailers: trailers)
  }

  /// The chunk-header line, signing the chunk when the mode does.
  private mutating func header(size: Int, dataHash: String) -> [UInt8] {
    var text = String(size, radix: 16)
    if let chain = mode.signingChain {
      let signature = chain.chunkSignature(previous: previousSignature, dataHash: dataHash)
      previousSignature = signature
      text += ";chunk-signature=" + signature
    }
    return Array((text + "\r\n").utf8)
  }
}
