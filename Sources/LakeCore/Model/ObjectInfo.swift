import Foundation

/// One object's catalog row.
public struct ObjectInfo: Sendable, Equatable {
  public var bucket: String
  public var key: String
  /// The object's length in bytes.
  public var size: Int64
  /// Unquoted lowercase hex MD5 of the object's bytes.
  public var etag: String
  /// When the write was committed, truncated to whole milliseconds.
  public var lastModified: Date
  public var metadata: ObjectMetadata
  /// Where the bytes live, relative to the data directory: `<bucket>/<key>` for a plain key,
  /// `.lakestore/overflow/<bucket>/<uuid>` otherwise.
  public var storagePath: String
  /// The catalog sequence number of the change that wrote this row; grows with every change.
  public var sequence: Int64

  public init(
    bucket: String, key: String, size: Int64, etag: String, lastModified: Date,
    metadata: ObjectMetadata, storagePath: String, sequence: Int64
  ) {
    self.bucket = bucket
    self.key = key
    self.size = size
    self.etag = etag
    self.lastModified = lastModified
    self.metadata = metadata
    self.storagePath = storagePath
    self.sequence = sequence
  }
}

/// An object opened for reading: its catalog row and an open file descriptor on its bytes.
///
/// `info` describes exactly the bytes behind `descriptor`, even if the key is overwritten or
/// deleted afterwards. The caller owns `descriptor` and must `close(2)` it.
public struct OpenedObject: Sendable {
  public var info: ObjectInfo
  /// A read-only descriptor of a regular file (`O_CLOEXEC`); read it with `pread`/`sendfile`.
  /// The caller closes it, unless `owner` is set.
  public var descriptor: Int32
  /// When set, `descriptor` is borrowed from this object (the object cache's open file): it
  /// stays open as long as the owner is referenced, and must not be closed by the caller.
  public var owner: (any AnyObject & Sendable)?

  public init(info: ObjectInfo, descriptor: Int32, owner: (any AnyObject & Sendable)? = nil) {
    self.info = info
    self.descriptor = descriptor
    self.owner = owner
  }
}
