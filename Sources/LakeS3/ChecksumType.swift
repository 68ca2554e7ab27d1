/// How a multipart object's checksum derives from its parts (`x-amz-checksum-type`, the
/// `ChecksumType` element).
///
/// S3 User Guide, "Checking object integrity in Amazon S3": single-part uploads are always
/// `FULL_OBJECT`.
public enum ChecksumType: String, CaseIterable, Sendable {
  /// The algorithm over the concatenated binary part checksums, shown as base64 followed by
  /// `-<part count>` (`Checksum.composite(of:algorithm:)`).
  case composite = "COMPOSITE"
  /// The checksum of the whole object's bytes, as if uploaded in one piece; for the CRCs it
  /// is combined from the parts' CRCs and lengths (`Checksum.combineCRC`).
  case fullObject = "FULL_OBJECT"

  /// Parses the header value in any case; nil for anything else.
  public init?(name: String) {
    self.init(rawValue: name.uppercased())
  }
}
