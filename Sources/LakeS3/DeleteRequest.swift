import Foundation

/// The DeleteObjects request body: `<Delete>`, the keys to delete and whether to answer
/// quietly.
///
/// `init(xml:)` is the pure shape: each `<Object>` needs a `<Key>`; `Quiet` is true exactly
/// when its text, trimmed and lowercased, is `true` (anything else, or none, is false, as the
/// server has always read it). S3's limits on top of that (1 to `maxObjects` objects) are
/// checked by `init(validating:)`, the server's entry point.
public struct DeleteRequest: S3Document {
  public static let rootElement = "Delete"

  /// The most keys one DeleteObjects may name (S3's limit); a client splits larger batches.
  public static let maxObjects = 1000

  /// One `<Object>`.
  public struct Object: Sendable, Equatable {
    public var key: String
    /// A version to delete; LakeStore accepts only `null` (and none).
    public var versionId: String?

    public init(key: String, versionId: String? = nil) {
      self.key = key
      self.versionId = versionId
    }
  }

  public var objects: [Object]
  /// Answer only the failures.
  public var quiet: Bool

  public init(objects: [Object], quiet: Bool = false) {
    self.objects = objects
    self.quiet = quiet
  }

  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    objects = []
    for element in root.all("Object") {
      objects.append(
        Object(key: try element.text("Key"), versionId: element.child("VersionId")?.text))
    }
    quiet =
      root.child("Quiet")?.text.trimmingCharacters(in: .whitespaces).lowercased() == "true"
  }

  /// Reads a request body as S3 does: 400 `MalformedXML` (its default message) for a body
  /// that is not XML, is not `<Delete>`, has an `<Object>` without `<Key>`, no `<Object>`
  /// at all, or more than `maxObjects`.
  public init(validating bytes: [UInt8]) throws(S3Error) {
    self = try Self.request(bytes)
    guard !objects.isEmpty, objects.count <= Self.maxObjects else {
      throw S3Error(.malformedXML)
    }
  }

  /// The body a client sends (`Quiet` only when true, after the objects, as the S3 API
  /// reference orders them).
  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    for object in objects {
      xml.open("Object")
      xml.element("Key", object.key)
      xml.element("VersionId", object.versionId)
      xml.close("Object")
    }
    if quiet { xml.element("Quiet", true) }
    xml.close(Self.rootElement)
    return xml
  }
}
