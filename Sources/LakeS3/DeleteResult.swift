/// The answer to DeleteObjects: `<DeleteResult>`, one `<Deleted>` or `<Error>` per key.
///
/// The server reports keys in the order the request named them, deletions and failures
/// interleaved, so the entries are kept in document order (`entries`); `deleted` and
/// `errors` are views of them. In quiet mode the server leaves out the `Deleted` entries.
public struct DeleteResult: S3Document {
  public static let rootElement = "DeleteResult"

  /// A key that was deleted (or did not exist: S3 reports both as deleted).
  public struct Deleted: Sendable, Equatable {
    public var key: String
    public var versionId: String?
    /// Whether a delete marker was involved (versioned buckets; LakeStore never writes it).
    public var deleteMarker: Bool?
    /// The delete marker's version (versioned buckets; LakeStore never writes it).
    public var deleteMarkerVersionId: String?

    public init(
      key: String, versionId: String? = nil, deleteMarker: Bool? = nil,
      deleteMarkerVersionId: String? = nil
    ) {
      self.key = key
      self.versionId = versionId
      self.deleteMarker = deleteMarker
      self.deleteMarkerVersionId = deleteMarkerVersionId
    }
  }

  /// A key that could not be deleted: an `<Error>` entry with the S3 error code and message.
  public struct Failure: Sendable, Equatable {
    public var key: String
    public var versionId: String?
    public var code: String
    public var message: String

    public init(key: String, versionId: String? = nil, code: String, message: String) {
      self.key = key
      self.versionId = versionId
      self.code = code
      self.message = message
    }
  }

  /// One entry, in document order.
  public enum Entry: Sendable, Equatable {
    case deleted(Deleted)
    case error(Failure)
  }

  public var entries: [Entry]

  public init(entries: [Entry]) {
    self.entries = entries
  }

  /// All deletions first, then all failures.
  public init(deleted: [Deleted] = [], errors: [Failure] = []) {
    entries = deleted.map(Entry.deleted) + errors.map(Entry.error)
  }

  /// The `<Deleted>` entries, in order.
  public var deleted: [Deleted] {
    entries.compactMap { if case .deleted(let value) = $0 { value } else { nil } }
  }

  /// The `<Error>` entries, in order.
  public var errors: [Failure] {
    entries.compactMap { if case .error(let value) = $0 { value } else { nil } }
  }

  /// Decodes `<DeleteResult>`. Required: `Key` in every entry, `Code` in every `Error` (a
  /// missing `Message` reads as "").
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    entries = []
    for element in root.children {
      switch element.name {
      case "Deleted":
        let deleted = Deleted(
          key: try element.text("Key"), versionId: element.child("VersionId")?.text,
          deleteMarker: try element.bool("DeleteMarker"),
          deleteMarkerVersionId: element.child("DeleteMarkerVersionId")?.text)
        entries.append(.deleted(deleted))
      case "Error":
        let failure = Failure(
          key: try element.text("Key"), versionId: element.child("VersionId")?.text,
          code: try element.text("Code"), message: element.child("Message")?.text ?? "")
        entries.append(.error(failure))
      default:
        continue
      }
    }
  }

  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    for entry in entries {
      switch entry {
      case .deleted(let deleted):
        xml.open("Deleted")
        xml.element("Key", deleted.key)
        xml.element("VersionId", deleted.versionId)
        if let marker = deleted.deleteMarker { xml.element("DeleteMarker", marker) }
        xml.element("DeleteMarkerVersionId", deleted.deleteMarkerVersionId)
        xml.close("Deleted")
      case .error(let failure):
        xml.open("Error")
        xml.element("Key", failure.key)
        xml.element("VersionId", failure.versionId)
        xml.element("Code", failure.code)
        xml.element("Message", failure.message)
        xml.close("Error")
      }
    }
    xml.close(Self.rootElement)
    return xml
  }
}
