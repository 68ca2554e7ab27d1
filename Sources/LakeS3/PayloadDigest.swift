import Crypto

/// Incremental SHA-256 of a request body, fed chunk by chunk as the body streams in, to check
/// a signed `x-amz-content-sha256`. (Checksums such as CRC32 will join it here.)
public struct PayloadSHA256: Sendable {
  private var hasher = SHA256()

  public init() {}

  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    hasher.update(bufferPointer: bytes)
  }

  /// The digest; the value is consumed.
  public consuming func finalize() -> [UInt8] {
    Array(hasher.finalize())
  }
}
