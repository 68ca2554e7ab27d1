import CLakeChecksum
import Crypto

/// The running state of one S3 additional checksum, fed the body chunk by chunk as it streams
/// in. A value type: copies are independent, so a prefix's checksum can be taken mid-stream.
///
/// CRC32 and CRC64NVME use carry-less multiplication (PCLMULQDQ) and CRC32C the SSE4.2 crc32
/// instruction when the CPU has them (checked once at load), and table-driven code otherwise;
/// SHA-1 and SHA-256 use swift-crypto.
public struct Checksum: Sendable {
  /// The algorithm this state computes.
  public let algorithm: ChecksumAlgorithm
  private let portable: Bool
  private var crc: UInt64 = 0
  private var sha1: Insecure.SHA1?
  private var sha256: SHA256?

  /// A checksum of no bytes yet.
  public init(_ algorithm: ChecksumAlgorithm) {
    self.init(algorithm, portable: false)
  }

  /// As `init(_:)`; `portable` forces the table-driven CRC code whatever the CPU (for tests
  /// that hold the fast paths against it).
  init(_ algorithm: ChecksumAlgorithm, portable: Bool) {
    self.algorithm = algorithm
    self.portable = portable
    switch algorithm {
    case .sha1: sha1 = Insecure.SHA1()
    case .sha256: sha256 = SHA256()
    case .crc32, .crc32c, .crc64nvme: break
    }
  }

  /// Adds `bytes`, which follow everything added before.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    let base = bytes.baseAddress
    let count = bytes.count
    switch algorithm {
    case .crc32:
      let previous = UInt32(truncatingIfNeeded: crc)
      let next =
        portable
        ? lake_crc32_portable(previous, base, count) : lake_crc32(previous, base, count)
      crc = UInt64(next)
    case .crc32c:
      let previous = UInt32(truncatingIfNeeded: crc)
      let next =
        portable
        ? lake_crc32c_portable(previous, base, count) : lake_crc32c(previous, base, count)
      crc = UInt64(next)
    case .crc64nvme:
      crc =
        portable
        ? lake_crc64nvme_portable(crc, base, count) : lake_crc64nvme(crc, base, count)
    case .sha1:
      sha1?.update(bufferPointer: bytes)
    case .sha256:
      sha256?.update(bufferPointer: bytes)
    }
  }

  /// The digest of everything added so far, `algorithm.digestByteCount` bytes, big-endian for
  /// the CRCs: the bytes whose base64 S3 sends. The state is left as it was.
  public func finalize() -> [UInt8] {
    switch algorithm {
    case .crc32, .crc32c:
      return Self.bigEndianBytes(crc, count: 4)
    case .crc64nvme:
      return Self.bigEndianBytes(crc, count: 8)
    case .sha1:
      return Array(sha1!.finalize())
    case .sha256:
      return Array(sha256!.finalize())
    }
  }

  static func bigEndianBytes(_ value: UInt64, count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * (count - 1 - $0))) }
  }

  static func bigEndianValue(_ bytes: [UInt8]) -> UInt64 {
    bytes.reduce(0) { $0 << 8 | UInt64($1) }
  }
}
