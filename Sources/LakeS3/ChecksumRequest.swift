/// The additional checksum a write asks for (PutObject, UploadPart, CompleteMultipartUpload,
/// CreateMultipartUpload), read from its headers once, for server and client alike.
///
/// A client names the algorithm with `x-amz-sdk-checksum-algorithm` (or
/// `x-amz-checksum-algorithm` on CreateMultipartUpload), gives the value in one
/// `x-amz-checksum-<algorithm>` header, or announces it as a trailer of an aws-chunked body
/// (`x-amz-trailer: x-amz-checksum-<algorithm>`).
public struct ChecksumRequest: Sendable, Equatable {
  public var algorithm: ChecksumAlgorithm
  /// The digest the client sent in a header; nil when it comes in a trailer or when only the
  /// algorithm was named (the server then computes and stores it).
  public var expected: [UInt8]?
  /// Whether the value arrives as a trailer of the aws-chunked body.
  public var inTrailer: Bool
  /// `x-amz-checksum-type`, when the client sent it.
  public var type: ChecksumType?

  public init(
    algorithm: ChecksumAlgorithm, expected: [UInt8]? = nil, inTrailer: Bool = false,
    type: ChecksumType? = nil
  ) {
    self.algorithm = algorithm
    self.expected = expected
    self.inTrailer = inTrailer
    self.type = type
  }

  /// Headers that start with `x-amz-checksum-` but carry no value.
  static let nonValueHeaders: Set<String> = [
    "x-amz-checksum-type", "x-amz-checksum-mode", "x-amz-checksum-algorithm",
  ]

  /// Reads the checksum headers of a request; nil when it asks for none.
  ///
  /// `headers` are (name, value) pairs in any case. Throws 400 `InvalidRequest` for an
  /// unknown algorithm, more than one checksum header, a value that is not the base64 of a
  /// digest of the right length, an algorithm header that disagrees with the value header,
  /// or an unknown `x-amz-checksum-type`.
  public static func parse(_ headers: [(name: String, value: String)]) throws(S3Error)
    -> ChecksumRequest?
  {
    var named: ChecksumAlgorithm?
    var valued: (ChecksumAlgorithm, String)?
    var trailer: ChecksumAlgorithm?
    var type: ChecksumType?
    for (rawName, value) in headers {
      let name = rawName.lowercased()
      switch name {
      case "x-amz-sdk-checksum-algorithm", "x-amz-checksum-algorithm":
        guard let algorithm = ChecksumAlgorithm(name: trimmed(value)) else {
          throw S3Error(.invalidRequest, "Value for \(name) header is invalid.")
        }
        if let named, named != algorithm {
          throw S3Error(.invalidRequest, "The checksum algorithm headers disagree.")
        }
        named = algorithm
      case "x-amz-checksum-type":
        guard let parsed = ChecksumType(name: trimmed(value)) else {
          throw S3Error(.invalidRequest, "Value for x-amz-checksum-type header is invalid.")
        }
        type = parsed
      case "x-amz-trailer":
        for item in value.split(separator: ",") {
          let announced = trimmed(String(item)).lowercased()
          guard announced.hasPrefix("x-amz-checksum-") else { continue }
          guard let algorithm = algorithm(header: announced) else {
            throw S3Error(.invalidRequest, "The trailer \(announced) names no known checksum.")
          }
          trailer = algorithm
        }
      default:
        guard name.hasPrefix("x-amz-checksum-"), !nonValueHeaders.contains(name) else {
          continue
        }
        guard let algorithm = algorithm(header: name) else {
          throw S3Error(
            .invalidRequest,
            "The header \(name) names no checksum algorithm this server knows (CRC32, CRC32C, CRC64NVME, SHA1, SHA256)."
          )
        }
        if valued != nil {
          throw S3Error(
            .invalidRequest,
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
        }
        valued = (algorithm, value)
      }
    }
    if let (algorithm, text) = valued {
      guard let digest = Checksum.decodeBase64(trimmed(text), for: algorithm) else {
        throw S3Error(.invalidRequest, "Value for \(algorithm.headerName) header is invalid.")
      }
      if let named, named != algorithm {
        throw S3Error(
          .invalidRequest,
          "The \(algorithm.rawValue) checksum header disagrees with the algorithm \(named.rawValue) named."
        )
      }
      return ChecksumRequest(algorithm: algorithm, expected: digest, type: type)
    }
    if let trailer {
      if let named, named != trailer {
        throw S3Error(
          .invalidRequest,
          "The trailer \(trailer.headerName) disagrees with the algorithm \(named.rawValue) named.")
      }
      return ChecksumRequest(algorithm: trailer, inTrailer: true, type: type)
    }
    if let named { return ChecksumRequest(algorithm: named, type: type) }
    if type != nil {
      throw S3Error(.invalidRequest, "x-amz-checksum-type needs a checksum algorithm.")
    }
    return nil
  }

  /// The algorithm of an `x-amz-checksum-<algorithm>` header name (lowercase).
  public static func algorithm(header name: String) -> ChecksumAlgorithm? {
    ChecksumAlgorithm.allCases.first { $0.headerName == name }
  }

  private static func trimmed(_ text: String) -> String {
    text.trimmingASCIIWhitespace()
  }
}
