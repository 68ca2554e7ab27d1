import CLakeChecksum

extension Checksum {
  /// The `COMPOSITE` checksum of a multipart object: `algorithm` over the concatenated binary
  /// checksums of its parts, in part order. S3 shows it as its base64 followed by
  /// `-<part count>` (`compositeValue(of:algorithm:)`).
  public static func composite(of partDigests: [[UInt8]], algorithm: ChecksumAlgorithm)
    -> [UInt8]
  {
    var checksum = Checksum(algorithm)
    for digest in partDigests {
      digest.withUnsafeBytes { checksum.update($0) }
    }
    return checksum.finalize()
  }

  /// The `COMPOSITE` checksum as S3 shows it: base64, a dash and the number of parts.
  public static func compositeValue(of partDigests: [[UInt8]], algorithm: ChecksumAlgorithm)
    -> String
  {
    base64(composite(of: partDigests, algorithm: algorithm)) + "-\(partDigests.count)"
  }

  /// The CRC of `first`'s bytes followed by `second`'s, from their CRCs (big-endian digests, as
  /// `finalize()` returns) and the length of the second range in bytes, like zlib's
  /// `crc32_combine`. Folding the parts in order gives a `FULL_OBJECT` multipart checksum.
  ///
  /// Nil for SHA-1 and SHA-256 (which cannot be combined), for digests of the wrong length and
  /// for a negative length. O(log secondLength).
  public static func combineCRC(
    _ first: [UInt8], _ second: [UInt8], secondLength: Int64, algorithm: ChecksumAlgorithm
  ) -> [UInt8]? {
    let count = algorithm.digestByteCount
    guard algorithm.isCRC, first.count == count, second.count == count, secondLength >= 0
    else { return nil }
    let a = bigEndianValue(first)
    let b = bigEndianValue(second)
    let length = UInt64(secondLength)
    let combined: UInt64
    switch algorithm {
    case .crc32:
      combined = UInt64(lake_crc32_combine(UInt32(a), UInt32(b), length))
    case .crc32c:
      combined = UInt64(lake_crc32c_combine(UInt32(a), UInt32(b), length))
    case .crc64nvme:
      combined = lake_crc64nvme_combine(a, b, length)
    case .sha1, .sha256:
      return nil
    }
    return bigEndianBytes(combined, count: count)
  }
}
