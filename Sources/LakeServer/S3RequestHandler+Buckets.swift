import Foundation
import LakeCore
import LakeHTTP
import LakeS3

extension S3RequestHandler {
  /// ListBuckets, with `prefix` and pages of `max-buckets` resumed from a continuation token
  /// (the last name returned, encoded like ListObjectsV2's).
  func listBuckets(_ p: ListBucketsParameters) throws -> HTTPResponse {
    var buckets = try store.listBuckets()
    if let prefix = p.prefix { buckets = buckets.filter { $0.name.hasPrefix(prefix) } }
    if let token = p.continuationToken {
      guard let last = ContinuationToken.decode(token) else {
        throw S3Error(
          .invalidArgument, "The continuation token provided is incorrect",
          extra: [("ArgumentName", "continuation-token")])
      }
      buckets = buckets.filter { Array(last.utf8).lexicographicallyPrecedes(Array($0.name.utf8)) }
    }
    var next: String?
    if let max = p.maxBuckets, buckets.count > max {
      buckets = Array(buckets.prefix(max))
      next = buckets.last.map { ContinuationToken.encode($0.name) }
    }
    return xmlResponse(
      ListAllMyBucketsResult(
        owner: owner,
        buckets: buckets.map {
          .init(name: $0.name, creationDate: $0.creationDate, bucketRegion: configuration.region)
        },
        continuationToken: next, prefix: p.prefix))
  }

  /// CreateBucket. In us-east-1 S3 answers 200 when you re-create a bucket you own (a legacy
  /// rule in the CreateBucket reference); every other region answers BucketAlreadyOwnedByYou.
  func createBucket(_ bucket: String, _ request: S3Request) throws -> HTTPResponse {
    try LakeStore.validateBucketName(bucket)
    if let body = request.body, body.hasBody {
      let bytes: [UInt8]
      do {
        bytes = try body.readAll(limit: 64 * 1024)
      } catch {
        throw S3Error(
          .malformedXML, "The CreateBucketConfiguration body is too large or incomplete.")
      }
      if !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
        try checkLocationConstraint(bytes)
      }
    }
    let created = try store.createBucket(bucket)
    if !created && configuration.region != "us-east-1" {
      throw S3Error(.bucketAlreadyOwnedByYou, extra: [("BucketName", bucket)])
    }
    var headers = HTTPHeaders()
    headers.add(name: "Location", value: "/" + bucket)
    return HTTPResponse(status: 200, headers: headers)
  }

  func checkLocationConstraint(_ bytes: [UInt8]) throws {
    guard let constraint = try CreateBucketConfiguration(validating: bytes).locationConstraint
    else { return }
    if configuration.region == "us-east-1" && constraint == "us-east-1" {
      // S3 refuses an explicit us-east-1 constraint (it is the default location).
      throw S3Error(.invalidLocationConstraint, extra: [("LocationConstraint", constraint)])
    }
    if constraint != configuration.region {
      throw S3Error(
        .illegalLocationConstraint,
        "The \(constraint) location constraint is incompatible with the region of this server (\(configuration.region))."
      )
    }
  }

  func headBucket(_ bucket: String) throws -> HTTPResponse {
    _ = try store.bucketInfo(bucket)
    var headers = HTTPHeaders()
    headers.add(name: "x-amz-bucket-region", value: configuration.region)
    return HTTPResponse(status: 200, headers: headers)
  }

  func deleteBucket(_ bucket: String) throws -> HTTPResponse {
    try store.deleteBucket(bucket)
    return HTTPResponse(status: 204)
  }

  func bucketLocation(_ bucket: String) throws -> HTTPResponse {
    _ = try store.bucketInfo(bucket)
    // S3 answers an empty constraint for us-east-1.
    let region = configuration.region == "us-east-1" ? nil : configuration.region
    return xmlResponse(LocationConstraint(locationConstraint: region))
  }
}
