/// An S3 error response body: `<Error>`, as the server writes it for every `S3Error` and as a
/// client reads it from any S3 service.
///
/// `extra` keeps every other child element, in order (such as `Key`, `BucketName`,
/// `ArgumentName`, `Condition`), with its text. The root carries no namespace, as S3's
/// error documents do not.
public struct S3ErrorDocument: S3Document {
  public static let rootElement = "Error"

  /// One child element other than the standard ones.
  public struct Field: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// The S3 error code, such as `NoSuchKey`.
  public var code: String
  public var message: String
  public var requestID: String?
  /// The bucket or object the error is about (LakeStore: the request path).
  public var resource: String?
  public var hostID: String?
  public var extra: [Field]

  /// The children `init(xml:)` reads into their own fields rather than `extra`.
  static let standardElements: Set<String> = [
    "Code", "Message", "Resource", "RequestId", "HostId",
  ]

  public init(
    code: String, message: String, requestID: String? = nil, resource: String? = nil,
    hostID: String? = nil, extra: [Field] = []
  ) {
    self.code = code
    self.message = message
    self.requestID = requestID
    self.resource = resource
    self.hostID = hostID
    self.extra = extra
  }

  /// The document the server answers `error` with.
  public init(_ error: S3Error, requestID: String) {
    self.init(
      code: error.code.code, message: error.message, requestID: requestID,
      resource: error.resource, extra: error.extra.map { Field(name: $0.0, value: $0.1) })
  }

  /// Decodes `<Error>`. `Code` is required; a missing `Message` reads as "". Another child
  /// named like a standard one (a second `Code`) is dropped, not kept in `extra`.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    code = try root.text("Code")
    message = root.child("Message")?.text ?? ""
    requestID = root.child("RequestId")?.text
    resource = root.child("Resource")?.text
    hostID = root.child("HostId")?.text
    extra = root.children.filter { !Self.standardElements.contains($0.name) }.map {
      Field(name: $0.name, value: $0.text)
    }
  }

  /// `Code`, `Message`, the extra elements, then `Resource`, `RequestId` and `HostId` when
  /// set: byte for byte what `S3Error.xml(requestID:)` has always written.
  public func xml() -> XMLWriter {
    var xml = XMLWriter()
    xml.open(Self.rootElement)
    xml.element("Code", code)
    xml.element("Message", message)
    for field in extra { xml.element(field.name, field.value) }
    xml.element("Resource", resource)
    xml.element("RequestId", requestID)
    xml.element("HostId", hostID)
    xml.close(Self.rootElement)
    return xml
  }
}
