import Foundation

/// One entry of the change feed: a committed put (new object, overwrite, copy or completed
/// multipart upload) or delete, with its sequence number.
public struct ChangeRecord: Sendable, Equatable {
  public enum Operation: String, Sendable, Equatable {
    case put
    case delete
  }

  /// Strictly increasing over the whole store, never reused; a consumer that stores the last
  /// one it handled and asks for what follows sees every change exactly once.
  public var sequence: Int64
  public var bucket: String
  public var key: String
  public var operation: Operation
  /// The new version's size and unquoted ETag (puts only).
  public var size: Int64?
  public var etag: String?
  /// When the change was committed (milliseconds).
  public var time: Date

  public init(
    sequence: Int64, bucket: String, key: String, operation: Operation, size: Int64?,
    etag: String?, time: Date
  ) {
    self.sequence = sequence
    self.bucket = bucket
    self.key = key
    self.operation = operation
    self.size = size
    self.etag = etag
    self.time = time
  }
}
