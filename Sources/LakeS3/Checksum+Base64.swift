import Foundation

extension Checksum {
  /// The digest of `bytes` in one step: what `update` then `finalize` give.
  public static func digest<Bytes: ContiguousBytes>(
    _ algorithm: ChecksumAlgorithm, of bytes: Bytes
  ) -> [UInt8] {
    var state = Checksum(algorithm)
    bytes.withUnsafeBytes { state.update($0) }
    return state.finalize()
  }

  /// The padded base64 of `digest`, as `x-amz-checksum-*` headers and `Checksum*` elements
  /// carry it.
  public static func base64(_ digest: [UInt8]) -> String {
    Data(digest).base64EncodedString()
  }

  /// The digest a client sent for `algorithm`, or nil unless `text` is the canonical padded
  /// base64 of exactly `algorithm.digestByteCount` bytes (no whitespace, no URL alphabet, no
  /// stray bits in the last character), so a value that decodes is also the one we would send.
  public static func decodeBase64(_ text: String, for algorithm: ChecksumAlgorithm) -> [UInt8]? {
    guard let data = Data(base64Encoded: text), data.count == algorithm.digestByteCount else {
      return nil
    }
    let digest = [UInt8](data)
    guard base64(digest) == text else { return nil }
    return digest
  }
}
