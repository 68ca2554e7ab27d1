/// Why an S3 XML document could not be decoded into its value type.
///
/// Thrown by every document's `init(xml:)` and `init(bytes:)`; never a trap, whatever the
/// input. The server turns it into the S3 error S3 answers for a bad request document
/// (`MalformedXML`, see `DeleteRequest(validating:)`); a client reports it as a protocol error.
public enum S3DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The root element is `found`, not the `expected` document.
  case wrongRoot(expected: String, found: String)
  /// A required `element` is absent from its parent element `in`.
  case missing(element: String, in: String)
  /// `element` holds `value`, which is not what it must be (a number, `true`/`false`, an
  /// ISO 8601 date, a known checksum type, a percent-encoded UTF-8 string).
  case invalid(element: String, value: String)
  /// The bytes are not a well-formed XML document (`XMLReader.ParseError`'s reason); only
  /// `init(bytes:)` throws it.
  case malformed(reason: String)

  public var description: String {
    switch self {
    case .wrongRoot(let expected, let found):
      return "expected a <\(expected)> document, found <\(found)>"
    case .missing(let element, let parent):
      return "<\(parent)> has no <\(element)>"
    case .invalid(let element, let value):
      return "<\(element)> holds an invalid value \"\(value)\""
    case .malformed(let reason):
      return "the document is not well-formed XML: \(reason)"
    }
  }
}
