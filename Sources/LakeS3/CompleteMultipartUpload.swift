import Foundation

/// The CompleteMultipartUpload request body: `<CompleteMultipartUpload>`, the parts to
/// assemble, in the order given.
///
/// `init(xml:)` is the pure shape: every `<Part>` needs a `<PartNumber>` that is an integer
/// (surrounding white space allowed) and an `<ETag>`; `Checksum<ALGORITHM>` children are kept
/// by algorithm, trimmed. S3's rules on top of that (part numbers in `partNumbers`, at least
/// one part) are checked by `init(validating:)`, the server's entry point. The ETag is kept as
/// sent, quotes and all: the server compares it with the stored part's after its own
/// normalisation, so a client may send it quoted (as SDKs do) or not.
public struct CompleteMultipartUpload: S3Document {
  public static let rootElement = "CompleteMultipartUpload"

  /// The part numbers S3 accepts.
  public static let partNumbers = 1...10_000

  /// One `<Part>`.
  public struct Part: Sendable, Equatable {
    public var partNumber: Int
    /// As sent (see the type's comment).
    public var etag: String
    /// The `Checksum<ALGORITHM>` values listed for this part, trimmed.
    public var checksums: [ChecksumAlgorithm: String]

    public init(partNumber: Int, etag: String, checksums: [ChecksumAlgorithm: String] = [:]) {
      self.partNumber = partNumber
      self.etag = etag
      self.checksums = checksums
    }

    /// The listed checksum the server checks against the stored part's: with several, the
    /// last in `ChecksumAlgorithm.allCases` order.
    public var checksum: ChecksumValue? {
      ChecksumAlgorithm.allCases.reversed().lazy.compactMap { algorithm in
        self.checksums[algorithm].map { ChecksumValue(algorithm: algorithm, value: $0) }
      }.first
    }
  }

  public var parts: [Part]

  public init(parts: [Part]) {
    self.parts = parts
  }

  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    parts = []
    for element in root.all("Part") {
      let text = try element.text("PartNumber")
      guard let number = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
        throw .invalid(element: "PartNumber", value: text)
      }
      var checksums: [ChecksumAlgorithm: String] = [:]
      for algorithm in ChecksumAlgorithm.allCases {
        if let value = element.child(algorithm.xmlElementName)?.text {
          checksums[algorithm] = value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
      }
      parts.append(Part(partNumber: number, etag: try element.text("ETag"), checksums: checksums))
    }
  }

  /// Reads a request body as S3 does: 400 `MalformedXML` for a body that is not XML, is not
  /// `<CompleteMultipartUpload>`, or has a part without a number in `partNumbers` or without
  /// an ETag (the default message), or has no part at all (a message saying so).
  public init(validating bytes: [UInt8]) throws(S3Error) {
    self = try Self.request(bytes)
    guard parts.allSatisfy({ Self.partNumbers.contains($0.partNumber) }) else {
      throw S3Error(.malformedXML)
    }
    if parts.isEmpty {
      throw S3Error(
        .malformedXML,
        "The XML you provided was not well-formed or did not validate against our published schema: a Complete needs at least one part."
      )
    }
  }

  /// The body a client sends: per part `PartNumber`, `ETag`, then its checksums in
  /// `ChecksumAlgorithm.allCases` order.
  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    for part in parts {
      xml.open("Part")
      xml.element("PartNumber", part.partNumber)
      xml.element("ETag", part.etag)
      for algorithm in ChecksumAlgorithm.allCases {
        xml.element(algorithm.xmlElementName, part.checksums[algorithm])
      }
      xml.close("Part")
    }
    xml.close(Self.rootElement)
    return xml
  }
}
