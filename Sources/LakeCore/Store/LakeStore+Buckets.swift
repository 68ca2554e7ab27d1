#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension LakeStore {
  /// Creates the bucket: its (empty) directory, then its catalog row.
  /// Returns true if created, false if it already existed (S3: BucketAlreadyOwnedByYou).
  /// Throws `.invalidBucketName`, or `.io` when the directory cannot be made (for example a
  /// file of that name is in the way).
  public func createBucket(_ name: String) throws(LakeError) -> Bool {
    try Self.validateBucketName(name)
    try checkOpen()
    return try pruneLock.withExclusive { () throws(LakeError) -> Bool in
      try ensureBucketDirectory(name)
      let created = try catalog.insertBucket(name, createdMilliseconds: Milliseconds.now())
      if created { logger.info("created bucket", metadata: ["bucket": "\(name)"]) }
      return created
    }
  }

  /// Deletes an empty bucket, its directory and its overflow directory, and aborts its
  /// unfinished multipart uploads. Throws `.noSuchBucket`, or `.bucketNotEmpty` while objects
  /// or in-flight writes (a Complete among them) remain.
  /// Files that are in the directory but not in the catalog (see `fsck`) are left in place.
  public func deleteBucket(_ name: String) throws(LakeError) {
    try checkOpen()
    try pruneLock.withExclusive { () throws(LakeError) in
      let uploads = try catalog.deleteBucket(name)
      uploads.forEach(removeUploadDirectoryLater)
      let overflowRemoved = removeEmptyTree(in: layout.overflow, name)
      let directoryRemoved = removeEmptyTree(in: layout.root, name)
      let leftovers = !(overflowRemoved && directoryRemoved)
      try? FileOps.sync(layout.root)
      try? FileOps.sync(layout.overflow)
      logger.info(
        "deleted bucket",
        metadata: ["bucket": "\(name)", "leftoverFiles": "\(leftovers)"])
    }
  }

  /// The bucket's catalog row. Throws `.noSuchBucket`.
  public func bucketInfo(_ name: String) throws(LakeError) -> BucketInfo {
    try checkOpen()
    guard let info = try catalog.bucket(name) else { throw .noSuchBucket(name) }
    return info
  }

  /// All buckets, sorted by name.
  public func listBuckets() throws(LakeError) -> [BucketInfo] {
    try checkOpen()
    return try catalog.buckets()
  }

  /// Makes `<data>/<name>/` if missing (durably). Throws `.io` if something else is there.
  func ensureBucketDirectory(_ name: String) throws(LakeError) {
    do throws(Errno) {
      guard let fd = try DirectoryWalk.descend(from: layout.root, through: [name], create: true)
      else { throw Errno(code: ENOTDIR) }
      FileOps.closeDescriptor(fd)
    } catch {
      throw error.lakeError("mkdir", name)
    }
  }

  /// Removes `name` in `parent` if it is a directory tree holding only directories.
  /// Returns false when files remain (they are left alone).
  private func removeEmptyTree(in parent: Int32, _ name: String) -> Bool {
    guard let directory = try? FileOps.openDirectory(parent, name) else { return true }
    defer { FileOps.closeDescriptor(directory) }
    if let entries = try? DirectoryIterator(directory: directory) {
      while let entry = try? entries.next() {
        if entry.kind == .directory, let child = entry.name {
          _ = removeEmptyTree(in: directory, child)
        }
      }
    }
    do {
      try FileOps.unlink(parent, name, isDirectory: true)
      return true
    } catch {
      return error.code == ENOENT
    }
  }
}
