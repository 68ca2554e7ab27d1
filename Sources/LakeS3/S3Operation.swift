/// Parameters of ListObjects (V1) and ListObjectsV2.
public struct ListObjectsParameters: Sendable, Equatable {
  public var prefix: String = ""
  public var delimiter: String?
  /// Already capped at 1,000, as S3 does.
  public var maxKeys: Int = 1000
  /// V2 only.
  public var continuationToken: String?
  /// V2 only.
  public var startAfter: String?
  /// V2 only (V1 always returns owners).
  public var fetchOwner: Bool = false
  /// `url` when keys must be percent-encoded in the response.
  public var encodingTypeURL: Bool = false
  /// V1 only.
  public var marker: String?

  public init() {}
}

/// Parameters of GetObject and HeadObject that come from the query string.
public struct GetObjectParameters: Sendable, Equatable {
  public var partNumber: Int?
  public var versionID: String?
  /// `response-content-type` and friends, as (response header name, value).
  public var responseOverrides: [ResponseOverride] = []

  public init() {}
}

/// One `response-*` query override of a GetObject response header.
public struct ResponseOverride: Sendable, Equatable {
  public var header: String
  public var value: String
}

/// Parameters of ListBuckets.
public struct ListBucketsParameters: Sendable, Equatable {
  /// 1…10,000; nil lists every bucket in one page.
  public var maxBuckets: Int?
  public var continuationToken: String?
  public var prefix: String?

  public init() {}
}

/// Parameters of ListMultipartUploads.
public struct ListUploadsParameters: Sendable, Equatable {
  public var prefix: String = ""
  public var delimiter: String?
  public var keyMarker: String?
  public var uploadIDMarker: String?
  /// Already capped at 1,000, as S3 does.
  public var maxUploads: Int = 1000
  public var encodingTypeURL: Bool = false

  public init() {}
}

/// Parameters of ListParts.
public struct ListPartsParameters: Sendable, Equatable {
  public var uploadID: String
  /// Already capped at 1,000, as S3 does.
  public var maxParts: Int = 1000
  public var partNumberMarker: Int = 0

  public init(uploadID: String) {
    self.uploadID = uploadID
  }
}

/// One S3 request, decoded from method, path, query and headers before any storage is touched.
///
/// The server dispatches on it with one `switch` (as Garage's `Endpoint`).
public enum S3Operation: Sendable, Equatable {
  case listBuckets(ListBucketsParameters)
  case createBucket(bucket: String)
  case headBucket(bucket: String)
  case deleteBucket(bucket: String)
  case getBucketLocation(bucket: String)
  case listObjectsV1(bucket: String, ListObjectsParameters)
  case listObjectsV2(bucket: String, ListObjectsParameters)
  case putObject(bucket: String, key: String)
  case getObject(bucket: String, key: String, GetObjectParameters)
  case headObject(bucket: String, key: String, GetObjectParameters)
  case deleteObject(bucket: String, key: String)
  case deleteObjects(bucket: String)
  case copyObject(bucket: String, key: String)
  case getObjectAttributes(bucket: String, key: String)
  case getObjectTagging(bucket: String, key: String)
  case putObjectTagging(bucket: String, key: String)
  case deleteObjectTagging(bucket: String, key: String)
  case uploadPartCopy(bucket: String, key: String, uploadID: String, partNumber: Int)
  case createMultipartUpload(bucket: String, key: String)
  /// UploadPart (a body) or, with `x-amz-copy-source`, UploadPartCopy.
  case uploadPart(bucket: String, key: String, uploadID: String, partNumber: Int)
  case completeMultipartUpload(bucket: String, key: String, uploadID: String)
  case abortMultipartUpload(bucket: String, key: String, uploadID: String)
  case listParts(bucket: String, key: String, ListPartsParameters)
  case listMultipartUploads(bucket: String, ListUploadsParameters)
  /// ListObjectVersions: `marker` holds `key-marker`.
  case listObjectVersions(bucket: String, ListObjectsParameters)
  case getBucketVersioning(bucket: String)
  /// A request to LakeStore's catalog API, `GET /_lake/v1/BUCKET/RESOURCE` (path style only,
  /// so no S3 key is shadowed: `_lake` is not a valid bucket name).
  case catalog(bucket: String, resource: String)
  /// A real S3 operation LakeStore does not implement; answered with 501 naming it.
  case notImplemented(String, bucket: String?, key: String?)

  /// The S3 API name, for logs and metrics.
  public var name: String {
    switch self {
    case .listBuckets: "ListBuckets"
    case .createBucket: "CreateBucket"
    case .headBucket: "HeadBucket"
    case .deleteBucket: "DeleteBucket"
    case .getBucketLocation: "GetBucketLocation"
    case .listObjectsV1: "ListObjects"
    case .listObjectsV2: "ListObjectsV2"
    case .putObject: "PutObject"
    case .getObject: "GetObject"
    case .headObject: "HeadObject"
    case .deleteObject: "DeleteObject"
    case .deleteObjects: "DeleteObjects"
    case .copyObject: "CopyObject"
    case .getObjectAttributes: "GetObjectAttributes"
    case .getObjectTagging: "GetObjectTagging"
    case .putObjectTagging: "PutObjectTagging"
    case .deleteObjectTagging: "DeleteObjectTagging"
    case .uploadPartCopy: "UploadPartCopy"
    case .createMultipartUpload: "CreateMultipartUpload"
    case .uploadPart: "UploadPart"
    case .completeMultipartUpload: "CompleteMultipartUpload"
    case .abortMultipartUpload: "AbortMultipartUpload"
    case .listParts: "ListParts"
    case .listMultipartUploads: "ListMultipartUploads"
    case .listObjectVersions: "ListObjectVersions"
    case .getBucketVersioning: "GetBucketVersioning"
    case .catalog(_, let resource): "Catalog." + resource
    case .notImplemented(let what, _, _): what
    }
  }

  public var bucket: String? {
    switch self {
    case .listBuckets: nil
    case .createBucket(let b), .headBucket(let b), .deleteBucket(let b), .getBucketLocation(let b):
      b
    case .listObjectsV1(let b, _), .listObjectsV2(let b, _), .listMultipartUploads(let b, _),
      .deleteObjects(let b), .listObjectVersions(let b, _), .getBucketVersioning(let b),
      .catalog(let b, _):
      b
    case .putObject(let b, _), .getObject(let b, _, _), .headObject(let b, _, _),
      .deleteObject(let b, _), .createMultipartUpload(let b, _), .uploadPart(let b, _, _, _),
      .completeMultipartUpload(let b, _, _), .abortMultipartUpload(let b, _, _),
      .listParts(let b, _, _), .copyObject(let b, _), .uploadPartCopy(let b, _, _, _),
      .getObjectTagging(let b, _), .putObjectTagging(let b, _), .deleteObjectTagging(let b, _),
      .getObjectAttributes(let b, _):
      b
    case .notImplemented(_, let b, _): b
    }
  }

  public var key: String? {
    switch self {
    case .putObject(_, let k), .getObject(_, let k, _), .headObject(_, let k, _),
      .deleteObject(_, let k), .createMultipartUpload(_, let k), .uploadPart(_, let k, _, _),
      .completeMultipartUpload(_, let k, _), .abortMultipartUpload(_, let k, _),
      .listParts(_, let k, _), .copyObject(_, let k), .uploadPartCopy(_, let k, _, _),
      .getObjectTagging(_, let k), .putObjectTagging(_, let k), .deleteObjectTagging(_, let k),
      .getObjectAttributes(_, let k):
      k
    case .notImplemented(_, _, let k): k
    default: nil
    }
  }

  /// True when the operation changes nothing (what anonymous read-only access allows).
  public var isReadOnly: Bool {
    switch self {
    case .listBuckets, .headBucket, .getBucketLocation, .listObjectsV1, .listObjectsV2,
      .getObject, .headObject, .listParts, .listMultipartUploads, .getObjectTagging,
      .listObjectVersions, .getBucketVersioning, .getObjectAttributes, .catalog:
      true
    default: false
    }
  }
}
