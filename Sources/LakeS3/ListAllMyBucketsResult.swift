import Foundation

/// The answer to ListBuckets: `<ListAllMyBucketsResult>`.
///
/// Optional fields are written exactly when non-nil: `continuationToken` when `max-buckets`
/// cut the list short, `prefix` when the request had one.
public struct ListAllMyBucketsResult: S3Document {
  public static let rootElement = "ListAllMyBucketsResult"

  /// One `<Bucket>`.
  public struct Bucket: Sendable, Equatable {
    public var name: String
    public var creationDate: Date
    /// The bucket's region (LakeStore: the server's region).
    public var bucketRegion: String?

    public init(name: String, creationDate: Date, bucketRegion: String? = nil) {
      self.name = name
      self.creationDate = creationDate
      self.bucketRegion = bucketRegion
    }
  }

  public var owner: S3Owner
  public var buckets: [Bucket]
  /// The token for the next page (ListBuckets with `max-buckets`).
  public var continuationToken: String?
  public var prefix: String?

  public init(
    owner: S3Owner, buckets: [Bucket] = [], continuationToken: String? = nil,
    prefix: String? = nil
  ) {
    self.owner = owner
    self.buckets = buckets
    self.continuationToken = continuationToken
    self.prefix = prefix
  }

  /// Decodes `<ListAllMyBucketsResult>`. Required: `Owner` (with `ID`), and in each `Bucket`
  /// `Name` and `CreationDate`; a missing `Buckets` is an empty list.
  public init(xml root: XMLElement) throws(S3DocumentError) {
    try root.expectRoot(Self.rootElement)
    owner = try root.need(root.owner(), "Owner")
    buckets = []
    for element in root.child("Buckets")?.all("Bucket") ?? [] {
      buckets.append(
        Bucket(
          name: try element.text("Name"),
          creationDate: try element.need(element.date("CreationDate"), "CreationDate"),
          bucketRegion: element.child("BucketRegion")?.text))
    }
    continuationToken = root.child("ContinuationToken")?.text
    prefix = root.child("Prefix")?.text
  }

  /// The document as LakeStore writes it.
  public func xml() -> XMLWriter {
    var xml = XMLWriter.document(Self.rootElement)
    owner.write(to: &xml)
    xml.open("Buckets")
    for bucket in buckets {
      xml.open("Bucket")
      xml.element("Name", bucket.name)
      xml.element("CreationDate", bucket.creationDate)
      xml.element("BucketRegion", bucket.bucketRegion)
      xml.close("Bucket")
    }
    xml.close("Buckets")
    xml.element("ContinuationToken", continuationToken)
    xml.element("Prefix", prefix)
    xml.close(Self.rootElement)
    return xml
  }
}
