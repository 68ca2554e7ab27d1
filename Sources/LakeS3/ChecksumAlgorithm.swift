/// An S3 additional checksum algorithm: the `x-amz-checksum-*` request and response headers and
/// the `Checksum*` elements of S3 documents. Values travel as base64 of the big-endian digest.
///
/// S3 User Guide, "Checking object integrity in Amazon S3".
public enum ChecksumAlgorithm: String, CaseIterable, Sendable {
  /// CRC-32/ISO-HDLC (the zlib and gzip CRC).
  case crc32 = "CRC32"
  /// CRC-32C (Castagnoli).
  case crc32c = "CRC32C"
  /// CRC-64/NVME, S3's default when a client sends no checksum.
  case crc64nvme = "CRC64NVME"
  /// SHA-1.
  case sha1 = "SHA1"
  /// SHA-256.
  case sha256 = "SHA256"

  /// Parses a name as `x-amz-sdk-checksum-algorithm` and `x-amz-checksum-algorithm` carry it,
  /// in any case ("crc32c", "CRC32C"); nil for any other algorithm (MD5 included).
  public init?(name: String) {
    self.init(rawValue: name.uppercased())
  }

  /// The header that carries this checksum, such as `x-amz-checksum-crc32c`.
  public var headerName: String {
    "x-amz-checksum-" + rawValue.lowercased()
  }

  /// The element of S3 response documents that carries this checksum, such as
  /// `ChecksumCRC32C` (in `CompleteMultipartUploadResult`, `Part`, `GetObjectAttributes`).
  public var xmlElementName: String {
    "Checksum" + rawValue
  }

  /// The length of the binary digest: 4 for the 32-bit CRCs, 8 for CRC64NVME, 20 for SHA-1,
  /// 32 for SHA-256.
  public var digestByteCount: Int {
    switch self {
    case .crc32, .crc32c: return 4
    case .crc64nvme: return 8
    case .sha1: return 20
    case .sha256: return 32
    }
  }

  /// Whether this is a CRC, whose values over consecutive ranges combine into the value of
  /// the whole (`Checksum.combineCRC`).
  public var isCRC: Bool {
    switch self {
    case .crc32, .crc32c, .crc64nvme: return true
    case .sha1, .sha256: return false
    }
  }

  /// Whether a multipart upload may ask for a `FULL_OBJECT` checksum with this algorithm: the
  /// CRCs only, since the object's value is derived from the parts' values and lengths.
  public var supportsFullObject: Bool { isCRC }

  /// Whether a multipart upload may ask for a `COMPOSITE` checksum with this algorithm: all but
  /// CRC64NVME, which S3 only offers as a full-object checksum.
  public var supportsComposite: Bool { self != .crc64nvme }

  /// The multipart checksum type S3 uses when `CreateMultipartUpload` names the algorithm but
  /// no `x-amz-checksum-type`: `FULL_OBJECT` for CRC64NVME, `COMPOSITE` for the others.
  public var defaultChecksumType: ChecksumType {
    self == .crc64nvme ? .fullObject : .composite
  }

  /// Whether `type` is allowed with this algorithm.
  public func supports(_ type: ChecksumType) -> Bool {
    switch type {
    case .composite: return supportsComposite
    case .fullObject: return supportsFullObject
    }
  }
}
