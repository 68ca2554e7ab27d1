import Foundation
import LakeS3

/// A key a batch delete could not delete, with the service's reason.
public struct DeleteFailure: Sendable, Equatable {
  public var key: String
  public var code: String
  public var message: String
}

/// A bucket of a ListBuckets answer.
public struct BucketSummary: Sendable, Equatable {
  public var name: String
  public var creationDate: Date?
}

extension LakeClient {
  /// Deletes `keys`, 1,000 per request (S3's limit for DeleteObjects), in quiet mode; returns
  /// the keys the service could not delete. Keys that do not exist count as deleted.
  public func deleteObjects(bucket: String, keys: [String]) async throws(LakeClientError)
    -> [DeleteFailure]
  {
    var failures: [DeleteFailure] = []
    var start = 0
    while start < keys.count {
      let batch = keys[start..<min(keys.count, start + DeleteRequest.maxObjects)]
      start += batch.count
      let document = DeleteRequest(
        objects: batch.map { DeleteRequest.Object(key: $0, versionId: nil) }, quiet: true)
      let body = Data(document.xml().bytes)
      let response = try await send(
        S3Request(
          "POST", bucket: bucket, query: [("delete", "")], headers: [Self.integrityHeader(body)],
          body: .data(body)))
      do {
        let result = try DeleteResult(bytes: Array(response.body))
        failures += result.errors.map {
          DeleteFailure(key: $0.key, code: $0.code, message: $0.message)
        }
      } catch {
        throw .invalidResponse("DeleteObjects answered no DeleteResult: \(error)")
      }
    }
    return failures
  }

  /// The buckets these credentials own.
  public func listBuckets() async throws(LakeClientError) -> [BucketSummary] {
    let response = try await send(S3Request("GET"))
    do {
      return try ListAllMyBucketsResult(bytes: Array(response.body)).buckets.map {
        BucketSummary(name: $0.name, creationDate: $0.creationDate)
      }
    } catch {
      throw .invalidResponse("ListBuckets answered no ListAllMyBucketsResult: \(error)")
    }
  }
}
