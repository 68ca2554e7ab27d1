/// A precondition a write must satisfy against the key's current object, checked atomically
/// with the write (S3 conditional writes; a failure is HTTP 412).
public enum WriteCondition: Sendable, Equatable {
  /// Write unconditionally.
  case none
  /// `If-None-Match: *`: succeed only if the key does not exist.
  case ifNoneMatchAny
  /// `If-None-Match: <etag>`: succeed unless the key exists with this (unquoted) ETag.
  case ifNoneMatch(String)
  /// `If-Match: <etag>`: succeed only if the key exists with this (unquoted) ETag.
  /// Quotes and case are ignored; `*` matches any existing object.
  case ifMatch(String)
}
