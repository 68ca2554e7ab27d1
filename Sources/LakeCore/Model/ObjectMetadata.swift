/// The HTTP metadata stored with an object and returned on GET and HEAD.
///
/// The standard headers are stored in their own catalog columns; `userMetadata` holds the
/// `x-amz-meta-*` headers with lowercased names and WITHOUT the `x-amz-meta-` prefix. Tags
/// and the checksum are stored with the object too (tags can change without rewriting it).
public struct ObjectMetadata: Sendable, Equatable, Codable {
  public var contentType: String?
  public var cacheControl: String?
  public var contentDisposition: String?
  public var contentEncoding: String?
  public var contentLanguage: String?
  public var expires: String?
  /// `x-amz-meta-*` values keyed by lowercased name without the prefix.
  public var userMetadata: [String: String]
  /// The object's tags (S3 object tagging), by tag key.
  public var tags: [String: String]
  /// The additional checksum the client sent (or asked for) when writing, if any.
  public var checksum: ObjectChecksum?

  public init(
    contentType: String? = nil,
    cacheControl: String? = nil,
    contentDisposition: String? = nil,
    contentEncoding: String? = nil,
    contentLanguage: String? = nil,
    expires: String? = nil,
    userMetadata: [String: String] = [:],
    tags: [String: String] = [:],
    checksum: ObjectChecksum? = nil
  ) {
    self.contentType = contentType
    self.cacheControl = cacheControl
    self.contentDisposition = contentDisposition
    self.contentEncoding = contentEncoding
    self.contentLanguage = contentLanguage
    self.expires = expires
    self.userMetadata = userMetadata
    self.tags = tags
    self.checksum = checksum
  }

  private enum CodingKeys: String, CodingKey {
    case contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage
    case expires, userMetadata, tags, checksum
  }

  /// Decodes what any earlier build encoded (intents written before tags and checksums
  /// existed lack those fields).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    contentType = try c.decodeIfPresent(String.self, forKey: .contentType)
    cacheControl = try c.decodeIfPresent(String.self, forKey: .cacheControl)
    contentDisposition = try c.decodeIfPresent(String.self, forKey: .contentDisposition)
    contentEncoding = try c.decodeIfPresent(String.self, forKey: .contentEncoding)
    contentLanguage = try c.decodeIfPresent(String.self, forKey: .contentLanguage)
    expires = try c.decodeIfPresent(String.self, forKey: .expires)
    userMetadata = try c.decodeIfPresent([String: String].self, forKey: .userMetadata) ?? [:]
    tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
    checksum = try c.decodeIfPresent(ObjectChecksum.self, forKey: .checksum)
  }
}

/// An S3 additional checksum of an object (or of a part), as the client named it.
public struct ObjectChecksum: Sendable, Equatable, Codable {
  /// `CRC32`, `CRC32C`, `CRC64NVME`, `SHA1` or `SHA256`.
  public var algorithm: String
  /// `FULL_OBJECT` or `COMPOSITE`.
  public var type: String
  /// The base64 digest; a composite multipart checksum ends in `-<part count>`.
  public var value: String

  public init(algorithm: String, type: String, value: String) {
    self.algorithm = algorithm
    self.type = type
    self.value = value
  }

  /// `ALGORITHM TYPE VALUE`, the catalog column's text.
  var encoded: String { "\(algorithm) \(type) \(value)" }

  /// The inverse of `encoded`; nil for NULL or unreadable text.
  init?(encoded text: String?) {
    guard let fields = text?.split(separator: " "), fields.count == 3 else { return nil }
    self.init(algorithm: String(fields[0]), type: String(fields[1]), value: String(fields[2]))
  }
}
