/// The owner (or initiator) of a bucket, an object or an upload: the `<Owner>` and
/// `<Initiator>` elements of S3 documents.
public struct S3Owner: Sendable, Equatable {
  /// The canonical user ID (LakeStore: 64 hex digits derived from the access key).
  public var id: String
  /// The display name; AWS has stopped sending it, so it may be absent (nil).
  public var displayName: String?

  public init(id: String, displayName: String?) {
    self.id = id
    self.displayName = displayName
  }

  /// Decodes an `<Owner>` or `<Initiator>` element: `ID` is required.
  public init(xml element: XMLElement) throws(S3DocumentError) {
    id = try element.text("ID")
    displayName = element.child("DisplayName")?.text
  }

  /// Writes `<name><ID>…</ID><DisplayName>…</DisplayName></name>` (DisplayName when set).
  public func write(_ name: String = "Owner", to xml: inout XMLWriter) {
    xml.open(name)
    xml.element("ID", id)
    xml.element("DisplayName", displayName)
    xml.close(name)
  }
}

extension XMLElement {
  /// The owner in the child called `name`, nil when there is none.
  func owner(_ name: String = "Owner") throws(S3DocumentError) -> S3Owner? {
    guard let element = child(name) else { return nil }
    return try S3Owner(xml: element)
  }
}
