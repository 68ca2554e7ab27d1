/// An error that reaches the wire as an S3 `<Error>` document.
///
/// It knows its own code and HTTP status; `extra` carries the optional elements some codes add
/// (for example `Key`, `BucketName`, `ArgumentName`).
public struct S3Error: Error, Sendable, Equatable, CustomStringConvertible {
  public var code: S3ErrorCode
  public var message: String
  public var resource: String?
  /// Extra child elements, written in order after `Message`.
  public var extra: [(String, String)]
  /// Response headers to add (for example `Allow` with 405).
  public var headers: [(String, String)]

  public init(
    _ code: S3ErrorCode, _ message: String? = nil, resource: String? = nil,
    extra: [(String, String)] = [], headers: [(String, String)] = []
  ) {
    self.code = code
    self.message = message ?? code.defaultMessage
    self.resource = resource
    self.extra = extra
    self.headers = headers
  }

  public var status: Int { code.status }
  public var description: String { "\(code.code): \(message)" }

  public static func == (lhs: S3Error, rhs: S3Error) -> Bool {
    lhs.code == rhs.code && lhs.message == rhs.message && lhs.resource == rhs.resource
  }

  /// The `<Error>` XML document for this error (`S3ErrorDocument`).
  public func xml(requestID: String) -> String {
    S3ErrorDocument(self, requestID: requestID).xml().result
  }

  /// A `NotImplemented` error naming what is missing.
  public static func notImplemented(_ what: String) -> S3Error {
    S3Error(.notImplemented, "\(what) is not implemented by LakeStore.")
  }
}
