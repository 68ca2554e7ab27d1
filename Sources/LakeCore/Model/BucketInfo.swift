import Foundation

/// A bucket as the catalog records it.
public struct BucketInfo: Sendable, Equatable {
  /// The bucket name (valid per `LakeStore.validateBucketName`).
  public var name: String
  /// When the bucket was created, with millisecond precision.
  public var creationDate: Date

  public init(name: String, creationDate: Date) {
    self.name = name
    self.creationDate = creationDate
  }
}
