#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Every error LakeCore throws.
///
/// The cases map onto S3 errors in the server glue; LakeCore itself knows nothing of HTTP.
/// Associated strings are human-readable reasons or names, never object contents.
public enum LakeError: Error, Sendable, Equatable {
  /// The bucket name breaks the S3 general-purpose naming rules; the string is the reason.
  case invalidBucketName(String)
  /// The named bucket does not exist.
  case noSuchBucket(String)
  /// Reserved for a bucket owned by someone else; LakeCore never throws it.
  case bucketAlreadyExists(String)
  /// The named bucket still holds objects (or writes to it are in flight).
  case bucketNotEmpty(String)
  /// The key does not exist in the bucket.
  case noSuchKey(bucket: String, key: String)
  /// The key is empty or longer than `StoreOptions.maxKeyBytes`; the string is the reason.
  case invalidKey(String)
  /// A write condition (`If-None-Match: *`, `If-Match`) did not hold.
  case preconditionFailed
  /// The MD5 of the written bytes differs from the `Content-MD5` the client sent.
  case digestMismatch
  /// No open multipart upload has this ID (for this bucket and key).
  case noSuchUpload(String)
  /// A part a Complete names was not uploaded, or its ETag differs; the string says which.
  case invalidPart(String)
  /// The parts a Complete lists are not in ascending part-number order.
  case invalidPartOrder
  /// A part other than the last is smaller than the minimum part size.
  case entityTooSmall(part: Int, size: Int64, minimum: Int64)
  /// The assembled object would exceed the multipart object size limit.
  case entityTooLarge(size: Int64, limit: Int64)
  /// Another request is completing or aborting the same upload.
  case uploadBusy(String)
  /// A system call failed; `path` is relative to the data directory where possible.
  case io(operation: String, path: String, errno: Int32)
  /// The SQLite catalog failed, or the store is closed.
  case catalog(String)
}

extension LakeError: CustomStringConvertible {
  /// One line for logs: for `.io`, the operation, the path and the `errno` by name, so a log
  /// line says which step of a write failed (`fsync directory of b/k: EIO (Input/output error)`).
  public var description: String {
    switch self {
    case .invalidBucketName(let reason): "invalid bucket name: \(reason)"
    case .noSuchBucket(let name): "no such bucket \(name)"
    case .bucketAlreadyExists(let name): "bucket \(name) already exists"
    case .bucketNotEmpty(let name): "bucket \(name) is not empty"
    case .noSuchKey(let bucket, let key): "no such key \(bucket)/\(key)"
    case .invalidKey(let reason): "invalid key: \(reason)"
    case .preconditionFailed: "precondition failed"
    case .digestMismatch: "Content-MD5 mismatch"
    case .noSuchUpload(let id): "no such upload \(id)"
    case .invalidPart(let reason): "invalid part: \(reason)"
    case .invalidPartOrder: "parts not in ascending order"
    case .entityTooSmall(let part, let size, let minimum):
      "part \(part) is \(size) bytes, below the minimum \(minimum)"
    case .entityTooLarge(let size, let limit): "object of \(size) bytes exceeds \(limit)"
    case .uploadBusy(let id): "upload \(id) is being completed or aborted"
    case .io(let operation, let path, let code):
      "\(operation) \(path): \(Errno(code: code).name) (\(String(cString: strerror(code))))"
    case .catalog(let message): "catalog: \(message)"
    }
  }
}
