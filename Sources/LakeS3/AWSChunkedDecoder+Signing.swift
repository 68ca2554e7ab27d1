extension AWSChunkedDecoder {
  /// What signs the chunks of a signed body: the request's own signature (the seed), its
  /// signing key, scope and `x-amz-date`, all from the verified `SigV4Authentication`.
  public struct SigningChain: Sendable, Equatable, CustomStringConvertible {
    /// Hex signature of the request's `Authorization` header; the first chunk chains from it.
    public var seedSignature: String
    public var signingKey: [UInt8]
    /// `<date>/<region>/<service>/aws4_request`.
    public var scope: String
    /// The request's `x-amz-date` (`YYYYMMDDTHHMMSSZ`).
    public var amzDate: String

    public init(seedSignature: String, signingKey: [UInt8], scope: String, amzDate: String) {
      self.seedSignature = seedSignature
      self.signingKey = signingKey
      self.scope = scope
      self.amzDate = amzDate
    }

    /// Leaves out the signing key.
    public var description: String {
      "SigningChain(seed: \(seedSignature), scope: \(scope), date: \(amzDate))"
    }

    /// The signature of a chunk whose data hashes to `dataHash` (hex), chained from
    /// `previous`: HMAC of `AWS4-HMAC-SHA256-PAYLOAD`, date, scope, previous signature, the
    /// hash of the empty string and `dataHash`, one a line.
    func chunkSignature(previous: String, dataHash: String) -> String {
      SigV4.signature(
        signingKey: signingKey,
        stringToSign:
          "AWS4-HMAC-SHA256-PAYLOAD\n\(amzDate)\n\(scope)\n\(previous)\n\(SigV4.emptyPayloadHash)\n\(dataHash)"
      )
    }

    /// The signature of the trailers, chained from the final chunk's: HMAC of
    /// `AWS4-HMAC-SHA256-TRAILER`, date, scope, previous signature and the hex SHA-256 of the
    /// canonical trailer text, one a line.
    func trailerSignature(previous: String, trailers: [(name: String, value: String)]) -> String {
      let text = AWSChunkedDecoder.canonicalTrailerText(trailers)
      return SigV4.signature(
        signingKey: signingKey,
        stringToSign:
          "AWS4-HMAC-SHA256-TRAILER\n\(amzDate)\n\(scope)\n\(previous)\n\(SigV4.sha256Hex(Array(text.utf8)))"
      )
    }
  }

  /// The text the trailer signature covers: `name:value\n` per trailer, names lowercased,
  /// values without surrounding spaces, sorted by name (as the AWS SDK for .NET signs and
  /// s3s verifies; SDKs send a single checksum trailer, where every reading agrees).
  public static func canonicalTrailerText(_ trailers: [(name: String, value: String)]) -> String {
    trailers.map { (name: $0.name.lowercased(), value: $0.value.trimmingASCIIWhitespace()) }
      .sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
      .map { "\($0.name):\($0.value)\n" }.joined()
  }
}
