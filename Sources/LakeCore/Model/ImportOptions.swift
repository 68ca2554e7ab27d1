/// How `LakeStore.importTree` brings each file of a directory tree into a bucket.
public enum ImportMode: String, Sendable, Equatable {
  /// Copy each file into the store through the PUT write path (temp file, fsync, rename,
  /// catalog commit); the source is left as it is.
  case copy
  /// Move each file into place (a hard link into the bucket directory, then the source's
  /// name is removed once the object is committed); across file systems, copy then remove.
  case move
  /// The tree is already inside the bucket's directory: register each file where it is.
  case inPlace
}

/// What `LakeStore.importTree` does.
public struct ImportOptions: Sendable, Equatable {
  public var mode: ImportMode
  /// Prepended to each file's relative path to make its key: empty, or a plain relative
  /// path (a `/` is added at its end when missing). Ignored for `inPlace`, where the tree's
  /// place in the bucket directory gives it.
  public var prefix: String
  /// Replace objects whose keys already exist (copy and move only); otherwise such files are
  /// reported (`ImportEvent.exists`) and left alone.
  public var overwrite: Bool
  /// Files handled at once (threads); 1 to 64.
  public var jobs: Int

  public init(mode: ImportMode = .copy, prefix: String = "", overwrite: Bool = false, jobs: Int = 4)
  {
    self.mode = mode
    self.prefix = prefix
    self.overwrite = overwrite
    self.jobs = jobs
  }
}

/// A file `LakeStore.importTree` did not import, and why. `path` is relative to the imported
/// directory.
public enum ImportEvent: Sendable, Hashable {
  /// The key already has an object; the file was left alone.
  case exists(path: String, key: String)
  /// The file cannot be imported as it is (a symlink, a special file, a name that is not
  /// UTF-8, a key the store would not place at that path...); it was left alone.
  case skipped(path: String, reason: String)
  /// Reading the file failed; it was left alone.
  case failed(path: String, reason: String)
  /// Imported, but stored in the overflow area: its path conflicts with a file or directory
  /// already in the bucket (copy only; the object is readable by its key as any other).
  case overflowed(path: String, key: String)
}

/// Running totals of an import, handed to the progress callback and returned at the end.
public struct ImportProgress: Sendable, Equatable {
  /// Files that became objects.
  public var imported = 0
  /// Their bytes.
  public var bytes: Int64 = 0
  /// Files whose keys already had objects (left alone), and, in place, files that already
  /// were their keys' objects.
  public var existing = 0
  /// Files and other entries skipped or failed (each was reported).
  public var skipped = 0
  public var failed = 0

  public init() {}

  /// Every entry handled so far.
  public var handled: Int { imported + existing + skipped + failed }
}
