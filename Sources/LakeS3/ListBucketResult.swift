import Foundation

/// The answer to ListObjects (V1) and ListObjectsV2: `<ListBucketResult>`.
///
/// Strings are always the plain keys and prefixes: with `encodingTypeURL` the document
/// percent-encodes them (`xml()`) and `init(xml:)` decodes them, for `Key`, `Delimiter`,
/// `StartAfter`, `Marker`, `NextMarker`, `CommonPrefixes/Prefix` and, in V2 answers only,
/// `Prefix` (as AWS does and botocore expects: its V1 handler leaves `Prefix` alone).
///
/// The version is not stored: a V2 answer is one with `keyCount`, `continuationToken`,
/// `nextContinuationToken` or `startAfter` (LakeStore always writes `KeyCount` in V2).
/// Optional fields are written exactly when non-nil; the server fills them per version
/// (V1: `marker`, and `nextMarker` when truncated with a delimiter; V2: `keyCount`, and the
/// tokens and `startAfter` the request had). `prefix` is always written (absent reads as "").
public struct ListBucketResult: S3Document {
  public static let rootElement = "ListBucketResult"

  /// One `<Contents>` entry.
  public struct Object: Sendable, Equatable {
    public var key: String
    public var lastModified: Date
    /// Without the surrounding quotes the document has.
    public var etag: String
    public var size: Int64
    public var storageClass: String
    /// Written in V1 answers and in V2 with `fetch-owner=true`.
    public var owner: S3Owner?

    public init(
      key: String, lastModified: Date, etag: String, size: Int64,
      storageClass: String = "STANDARD", owner: S3Owner? = nil
    ) {
      self.key = key
      self.lastModified = lastModified
      self.etag = etag
      self.size = size
      self.storageClass = storageClass
      self.owner = owner
    }
  }

  /// The bucket.
  public var name: String
  public var prefix: String
  public var delimiter: String?
  public var maxKeys: Int
  public var isTruncated: Bool
  /// Whether the request asked for `encoding-type=url` (`<EncodingType>url</EncodingType>`).
  public var encodingTypeURL: Bool
  /// V1: the `marker` the request gave ("" when none).
  public var marker: String?
  /// V1: where the next page starts, given when truncated and a delimiter was used.
  public var nextMarker: String?
  /// V2: how many keys and common prefixes this page holds.
  public var keyCount: Int?
  /// V2: the token the request gave.
  public var continuationToken: String?
  /// V2: the token for the next page, when truncated.
  public var nextContinuationToken: String?
  /// V2: the `start-after` the request gave.
  public var startAfter: String?
  public var contents: [Object]
  public var commonPrefixes: [String]

  public init(
    name: String, prefix: String = "", delimiter: String? = nil, maxKeys: Int = 1000,
    isTruncated: Bool = false, encodingTypeURL: Bool = false, marker: String? = nil,
    nextMarker: String? = nil, keyCount: Int? = nil, continuationToken: String? = nil,
    nextContinuationToken: String? = nil, startAfter: String? = nil, contents: [Object] = [],
    commonPrefixes: [String] = []
  ) {
    self.name = name
    self.prefix = prefix
    self.delimiter = delimiter
    self.maxKeys = maxKeys
    self.isTruncated = isTruncated
    self.encodingTypeURL = encodingTypeURL
    self.marker = marker
    self.nextMarker = nextMarker
    self.keyCount = keyCount
    self.continuationToken = continuationToken
    self.nextContinuationToken = nextContinuationToken
    self.startAfter = startAfter
    self.contents = contents
    self.commonPrefixes = commonPrefixes
  }

  /// 2 for a ListObjectsV2 answer, 1 otherwise (see the type's comment).
  public var version: Int {
    Self.version(
      keyCount: keyCount, continuationToken: continuationToken,
      nextContinuationToken: nextContinuationToken, startAfter: startAfter)
  }

  static func version(
    keyCount: Int?, continuationToken: String?, nextContinuationToken: String?,
    startAfter: String?
  ) -> Int {
    keyCount != nil || continuationToken != nil || nextContinuationToken != nil
      || startAfter != nil ? 2 : 1
  }
}
