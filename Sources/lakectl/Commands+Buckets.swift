import ArgumentParser
import LakeClient
import LakeS3

struct MakeBucket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mb", abstract: "Create a bucket.")

  @OptionGroup var global: GlobalOptions
  @Argument(help: "s3://BUCKET") var bucket: String

  func run() async throws {
    let uri = try remote(bucket)
    try await global.client().createBucket(uri.bucket)
    print("created s3://\(uri.bucket)")
  }
}

struct RemoveBucket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rb", abstract: "Delete a bucket (with --force, every object in it first).")

  @OptionGroup var global: GlobalOptions
  @Flag(help: "Delete every object in the bucket, then the bucket.") var force = false
  @Argument(help: "s3://BUCKET") var bucket: String

  func run() async throws {
    let uri = try remote(bucket)
    let client = try global.client()
    if force {
      let deleted = try await deleteAll(client, bucket: uri.bucket, prefix: "")
      if deleted > 0 { print("deleted \(deleted) objects") }
    }
    try await client.deleteBucket(uri.bucket)
    print("deleted s3://\(uri.bucket)")
  }
}

/// Parses a remote URI or fails with a usage error.
func remote(_ text: String) throws -> S3URI {
  guard let uri = S3URI(text), !uri.bucket.isEmpty else {
    throw ValidationError("'\(text)' is not a remote location such as s3://bucket/key")
  }
  return uri
}

/// Deletes every object under `prefix`, 1,000 keys per request; returns how many.
func deleteAll(_ client: LakeClient, bucket: String, prefix: String) async throws -> Int {
  var batch: [String] = []
  var deleted = 0
  func flush() async throws {
    guard !batch.isEmpty else { return }
    let failures = try await client.deleteObjects(bucket: bucket, keys: batch)
    if !failures.isEmpty { throw LakectlFailure(bucket: bucket, undeleted: failures) }
    deleted += batch.count
    batch.removeAll(keepingCapacity: true)
  }
  for try await object in client.list(bucket: bucket, prefix: prefix) {
    batch.append(object.key)
    if batch.count == DeleteRequest.maxObjects { try await flush() }
  }
  try await flush()
  return deleted
}
