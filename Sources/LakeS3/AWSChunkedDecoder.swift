import Crypto

/// Decodes an `aws-chunked` request body (`Content-Encoding: aws-chunked`), checking chunk and
/// trailer signatures as it goes.
///
/// A pure value: encoded bytes in, decoded bytes out through a closure, no I/O and no clock.
/// Feed the body with `decode(_:into:)` as it arrives, split anywhere (one byte at a time
/// works), then call `finish()` once the body has ended to get the trailers.
///
/// Data is handed out as it arrives, without buffering a chunk; a signed chunk's signature is
/// checked when the chunk ends, so the caller must treat every emitted byte as provisional and
/// keep nothing unless `finish()` returns (a PUT streams to a temporary file and commits after).
///
/// Every error is an `S3Error`, and the first one sticks (later calls throw it again):
/// - a chunk or trailer signature that does not match: 403 `SignatureDoesNotMatch`;
/// - malformed framing (chunk size, extension, line ends, truncation, a chunk header over
///   `Limits.maxChunkHeaderBytes`) and decoded bytes other than `decodedLength`:
///   400 `IncompleteBody`, as AWS and s3s answer;
/// - a trailer that is malformed, not announced, repeated or missing, bytes after the end of the
///   body, or trailers over the limits: 400 `MalformedTrailerError`.
///
/// Formats: "Transferring Payload in Multiple Chunks" (`sigv4-streaming`) and "Including
/// Trailing Headers" (`sigv4-streaming-trailers`) in the Amazon S3 API reference.
public struct AWSChunkedDecoder: Sendable {
  /// Which `x-amz-content-sha256` streaming mode the body uses.
  public enum Mode: Sendable, Equatable {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: signed chunks, no trailers.
    case signed(SigningChain)
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks, signed trailers.
    case signedWithTrailer(SigningChain)
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: plain chunks, unsigned trailers.
    case unsignedWithTrailer

    /// The chain that signs the chunks, if they are signed.
    public var signingChain: SigningChain? {
      switch self {
      case .signed(let chain), .signedWithTrailer(let chain): return chain
      case .unsignedWithTrailer: return nil
      }
    }
  }

  /// Parser limits; a body over one is refused, never buffered.
  public struct Limits: Sendable, Equatable {
    /// Longest chunk-header line, CRLF included (default 4 KiB, as MinIO; a signed header
    /// needs 83 bytes plus the size digits).
    public var maxChunkHeaderBytes: Int
    /// Longest trailer section after the final chunk, line ends and the closing empty line
    /// included (default 16 KiB, as s3s).
    public var maxTrailerBytes: Int
    /// Most trailers, `x-amz-trailer-signature` not counted (default 16).
    public var maxTrailerCount: Int

    public init(
      maxChunkHeaderBytes: Int = 4096, maxTrailerBytes: Int = 16384, maxTrailerCount: Int = 16
    ) {
      self.maxChunkHeaderBytes = maxChunkHeaderBytes
      self.maxTrailerBytes = maxTrailerBytes
      self.maxTrailerCount = maxTrailerCount
    }
  }

  enum State: Sendable {
    /// Reading a chunk-header line into `line`.
    case chunkHeader
    /// Inside a chunk's data.
    case chunkData(remaining: Int64)
    /// After a chunk's data, expecting CRLF.
    case chunkEnd(sawCR: Bool)
    /// After the final chunk, reading trailer lines into `line`.
    case trailers
    /// The closing empty line was read and the trailers checked.
    case complete
    case failed(S3Error)
  }

  public let mode: Mode
  /// `x-amz-decoded-content-length`: the number of data bytes the body must carry.
  public let decodedLength: Int64
  /// The trailer names of `x-amz-trailer`, lowercased.
  public let announcedTrailers: [String]
  public let limits: Limits
  /// Data bytes emitted so far.
  public internal(set) var decodedBytes: Int64 = 0

  var state = State.chunkHeader
  /// The chunk-header or trailer line read so far.
  var line: [UInt8] = []
  /// The signature the next chunk (or the trailers) chains from.
  var previousSignature: String
  /// The signature the current chunk's header claims.
  var claimedSignature = ""
  var chunkHash = SHA256()
  /// Chunks started so far, for messages.
  var chunkCount = 0
  var trailerBytes = 0
  var trailers: [(name: String, value: String)] = []
  var trailerSignature: String?

  /// A decoder for one body.
  ///
  /// - Parameters:
  ///   - decodedLength: `x-amz-decoded-content-length`; a negative value fails the first call.
  ///   - announcedTrailers: the names in `x-amz-trailer` (any case); each must arrive once,
  ///     and no other may (`x-amz-trailer-signature` aside).
  public init(
    mode: Mode, decodedLength: Int64, announcedTrailers: [String] = [], limits: Limits = Limits()
  ) {
    self.mode = mode
    self.decodedLength = decodedLength
    var names: [String] = []
    for name in announcedTrailers.map({ $0.trimmingASCIIWhitespace().lowercased() })
    where !name.isEmpty && name != Self.trailerSignatureName && !names.contains(name) {
      names.append(name)
    }
    self.announcedTrailers = names
    self.limits = limits
    self.previousSignature = mode.signingChain?.seedSignature.lowercased() ?? ""
    if decodedLength < 0 {
      state = .failed(
        S3Error(.invalidArgument, "x-amz-decoded-content-length must not be negative."))
    }
  }

  /// Whether the whole body, closing empty line included, has been decoded and checked.
  public var isComplete: Bool {
    if case .complete = state { return true }
    return false
  }
}

extension AWSChunkedDecoder.Mode {
  /// The mode a verified request's `x-amz-content-sha256` names.
  ///
  /// Throws `InvalidArgument` (as the verifier does for a malformed value) for an unknown
  /// `STREAMING-*` name, such as the SigV4a ones, and `InvalidRequest` when the payload is not
  /// streamed at all.
  public init(authentication: SigV4Authentication) throws(S3Error) {
    guard case .streaming(let name) = authentication.payload else {
      throw S3Error(.invalidRequest, "The request body is not aws-chunked.")
    }
    let chain = AWSChunkedDecoder.SigningChain(
      seedSignature: authentication.signature, signingKey: authentication.signingKey,
      scope: authentication.scope, amzDate: authentication.amzDate)
    switch name {
    case AWSChunkedDecoder.signedPayload: self = .signed(chain)
    case AWSChunkedDecoder.signedPayloadTrailer: self = .signedWithTrailer(chain)
    case AWSChunkedDecoder.unsignedPayloadTrailer: self = .unsignedWithTrailer
    default:
      throw S3Error(
        .invalidArgument,
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
        extra: [("ArgumentName", "x-amz-content-sha256"), ("ArgumentValue", name)])
    }
  }

  /// The `x-amz-content-sha256` value of this mode.
  public var payloadHashName: String {
    switch self {
    case .signed: return AWSChunkedDecoder.signedPayload
    case .signedWithTrailer: return AWSChunkedDecoder.signedPayloadTrailer
    case .unsignedWithTrailer: return AWSChunkedDecoder.unsignedPayloadTrailer
    }
  }
}

extension AWSChunkedDecoder {
  public static let signedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
  public static let signedPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
  public static let unsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
}

extension String {
  /// The string without leading and trailing spaces and tabs.
  func trimmingASCIIWhitespace() -> String {
    let bytes = Array(utf8)
    let start = bytes.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? bytes.endIndex
    let end = bytes.lastIndex { $0 != 0x20 && $0 != 0x09 }.map { $0 + 1 } ?? start
    return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
  }
}
