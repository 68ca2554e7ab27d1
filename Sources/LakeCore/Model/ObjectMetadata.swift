/// The HTTP metadata stored with an object and returned on GET and HEAD.
///
/// The standard headers are stored in their own catalog columns; `userMetadata` holds the
/// `x-amz-meta-*` headers with lowercased names and WITHOUT the `x-amz-meta-` prefix.
public struct ObjectMetadata: Sendable, Equatable, Codable {
  public var contentType: String?
  public var cacheControl: String?
  public var contentDisposition: String?
  public var contentEncoding: String?
  public var contentLanguage: String?
  public var expires: String?
  /// `x-amz-meta-*` values keyed by lowercased name without the prefix.
  public var userMetadata: [String: String]

  public init(
    contentType: String? = nil,
    cacheControl: String? = nil,
    contentDisposition: String? = nil,
    contentEncoding: String? = nil,
    contentLanguage: String? = nil,
    expires: String? = nil,
    userMetadata: [String: String] = [:]
  ) {
    self.contentType = contentType
    self.cacheControl = cacheControl
    self.contentDisposition = contentDisposition
    self.contentEncoding = contentEncoding
    self.contentLanguage = contentLanguage
    self.expires = expires
    self.userMetadata = userMetadata
  }
}
