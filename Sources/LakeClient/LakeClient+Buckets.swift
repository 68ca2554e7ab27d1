import Foundation
import LakeS3

extension LakeClient {
  /// Creates `bucket`. Outside `us-east-1` the request names the client's region, as S3
  /// requires. Throws `BucketAlreadyOwnedByYou` when it exists.
  public func createBucket(_ bucket: String) async throws(LakeClientError) {
    var body = S3Request.Body.none
    if configuration.region != "us-east-1" {
      body = .data(
        Data(CreateBucketConfiguration(locationConstraint: configuration.region).xml().bytes))
    }
    _ = try await send(S3Request("PUT", bucket: bucket, body: body))
  }

  /// Deletes the (empty) bucket; throws `BucketNotEmpty` otherwise.
  public func deleteBucket(_ bucket: String) async throws(LakeClientError) {
    _ = try await send(S3Request("DELETE", bucket: bucket))
  }

  /// Whether the bucket exists and these credentials may use it (HEAD bucket).
  public func bucketExists(_ bucket: String) async throws(LakeClientError) -> Bool {
    do {
      _ = try await send(S3Request("HEAD", bucket: bucket))
      return true
    } catch  where error.status == 404 {
      return false
    }
  }
}
