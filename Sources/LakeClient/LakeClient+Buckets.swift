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

extension LakeClient {
  /// The service's clock (its `Date` header) and `Server` header, from an unsigned request
  /// that any S3 service answers (a refusal is an answer too); for clock-skew checks.
  public func serviceClock() async throws(LakeClientError) -> (date: Date?, server: String?) {
    let anonymous = LakeClient(
      configuration: {
        var configuration = self.configuration
        configuration.credentials = nil
        configuration.retry = RetryPolicy(maxAttempts: 1)
        return configuration
      }())
    let response = try await anonymous.send(S3Request("GET"), accept: Set(300..<600))
    return (response.header("date").flatMap(S3Date.parseHTTPDate), response.header("server"))
  }
}
