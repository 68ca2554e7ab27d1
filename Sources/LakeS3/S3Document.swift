/// An S3 XML document as a value: written by one side of the protocol, read by the other.
///
/// Response documents (`ListBucketResult`, `DeleteResult`, …) are written by the server and
/// decoded by a client; request documents (`DeleteRequest`, `CompleteMultipartUpload`,
/// `CreateBucketConfiguration`) the other way round. Each shape lives once, here.
///
/// Contract for every conforming type:
/// - `xml()` writes the complete document, XML declaration included, exactly as LakeStore
///   sends it (response documents carry `s3XMLNamespace` on their root; `<Error>` does not).
/// - `init(xml:)` decodes a parsed tree whose root is `rootElement`, reading children by name
///   (order and unknown elements are ignored), and throws `S3DocumentError`, never traps.
/// - `Self(xml: XMLReader.parse(value.xml().bytes)) == value` for every value whose strings
///   are XML `Char`s (or, where the document percent-encodes them, any strings); see each
///   type for the few values that have no document of their own (such as `""` for `nil`).
public protocol S3Document: Sendable, Equatable {
  /// The name of the document's root element, such as `ListBucketResult`.
  static var rootElement: String { get }

  /// Decodes the document rooted at `root`.
  init(xml root: XMLElement) throws(S3DocumentError)

  /// The whole document, with declaration.
  func xml() -> XMLWriter
}

extension S3Document {
  /// Parses `bytes` with `XMLReader` and decodes the document.
  ///
  /// Throws `S3DocumentError.malformed` when the bytes are not well-formed XML (the reader's
  /// reason), otherwise whatever `init(xml:)` throws.
  public init(bytes: [UInt8]) throws(S3DocumentError) {
    let root: XMLElement
    do {
      root = try XMLReader.parse(bytes)
    } catch {
      throw .malformed(reason: error.reason)
    }
    try self.init(xml: root)
  }

  /// The document's bytes: `xml().bytes`.
  public var bytes: [UInt8] { xml().bytes }

  /// Reads a request body the way S3 refuses a bad one: what `XMLReader.document(_:root:)`
  /// throws for bytes that are not XML or have another root, and 400 `MalformedXML` (its
  /// default message) for a document `init(xml:)` refuses. Request documents add their own
  /// rules in `init(validating:)`.
  static func request(_ bytes: [UInt8]) throws(S3Error) -> Self {
    let root = try XMLReader.document(bytes, root: rootElement)
    do {
      return try Self(xml: root)
    } catch {
      throw S3Error(.malformedXML)
    }
  }
}
