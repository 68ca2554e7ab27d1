/// The answer to GetBucketLocation: `<LocationConstraint>region</LocationConstraint>`.
///
/// S3 answers an empty element for us-east-1: `locationConstraint` is nil then, and an empty
/// string is written (and read back) as nil.
public struct LocationConstraint: S3Document {
  public static let rootElement = "LocationConstraint"

  /// The bucket's region; nil for us-east-1.
  public var locationConstraint: String?

  public init(locationConstraint: String?) {
    self.locationConstraint = locationConstraint
  }

  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    locationConstraint = root.text.isEmpty ? nil : root.text
  }

  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.text(locationConstraint ?? "")
    xml.close(Self.rootElement)
    return xml
  }
}

/// The CreateBucket request body: `<CreateBucketConfiguration>`.
///
/// Only `LocationConstraint` is read (other children are ignored). An absent or empty
/// constraint is nil (the server's default region); the text is otherwise kept as sent,
/// white space included, and the server compares it with its region.
public struct CreateBucketConfiguration: S3Document {
  public static let rootElement = "CreateBucketConfiguration"

  public var locationConstraint: String?

  public init(locationConstraint: String?) {
    self.locationConstraint = locationConstraint
  }

  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    let text = root.child("LocationConstraint")?.text ?? ""
    locationConstraint = text.isEmpty ? nil : text
  }

  /// Reads a request body as S3 does: 400 `MalformedXML` for a body that is not XML or not
  /// `<CreateBucketConfiguration>`.
  public init(validating bytes: [UInt8]) throws(S3Error) {
    self = try Self.request(bytes)
  }

  /// The body a client sends; without `<LocationConstraint>` when nil.
  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("LocationConstraint", locationConstraint)
    xml.close(Self.rootElement)
    return xml
  }
}

/// The answer to GetBucketVersioning (and the PutBucketVersioning body):
/// `<VersioningConfiguration>`.
///
/// LakeStore never versions: it answers the empty configuration S3 gives a bucket that never
/// had versioning (both fields nil). Each field is written exactly when non-nil.
public struct VersioningConfiguration: S3Document {
  public static let rootElement = "VersioningConfiguration"

  /// `Enabled` or `Suspended`.
  public var status: String?
  /// `Enabled` or `Disabled`.
  public var mfaDelete: String?

  public init(status: String? = nil, mfaDelete: String? = nil) {
    self.status = status
    self.mfaDelete = mfaDelete
  }

  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    status = root.child("Status")?.text
    mfaDelete = root.child("MfaDelete")?.text
  }

  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    xml.element("Status", status)
    xml.element("MfaDelete", mfaDelete)
    xml.close(Self.rootElement)
    return xml
  }
}
