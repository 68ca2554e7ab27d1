/// An additional checksum as documents carry it: one `Checksum<ALGORITHM>` element (such as
/// `<ChecksumCRC32C>`) holding the base64 value (a composite multipart value ends in `-N`).
public struct ChecksumValue: Sendable, Equatable {
  public var algorithm: ChecksumAlgorithm
  public var value: String

  public init(algorithm: ChecksumAlgorithm, value: String) {
    self.algorithm = algorithm
    self.value = value
  }

  /// Writes `<ChecksumALGORITHM>value</ChecksumALGORITHM>`.
  func write(to xml: inout XMLWriter) {
    xml.element(algorithm.xmlElementName, value)
  }
}

extension XMLElement {
  /// The first `Checksum<ALGORITHM>` child in `ChecksumAlgorithm.allCases` order, if any.
  func checksumValue() -> ChecksumValue? {
    for algorithm in ChecksumAlgorithm.allCases {
      if let value = child(algorithm.xmlElementName)?.text {
        return ChecksumValue(algorithm: algorithm, value: value)
      }
    }
    return nil
  }

  /// `COMPOSITE` or `FULL_OBJECT` in the child called `name`; nil when absent, `invalid`
  /// for anything else.
  func checksumType(_ name: String = "ChecksumType") throws(S3DocumentError) -> ChecksumType? {
    guard let text = child(name)?.text else { return nil }
    guard let type = ChecksumType(rawValue: text) else {
      throw .invalid(element: name, value: text)
    }
    return type
  }

  /// A `ChecksumAlgorithm` name in the child called `name`; nil when absent, `invalid` for
  /// an unknown algorithm.
  func checksumAlgorithm(_ name: String = "ChecksumAlgorithm") throws(S3DocumentError)
    -> ChecksumAlgorithm?
  {
    guard let text = child(name)?.text else { return nil }
    guard let algorithm = ChecksumAlgorithm(rawValue: text) else {
      throw .invalid(element: name, value: text)
    }
    return algorithm
  }
}
