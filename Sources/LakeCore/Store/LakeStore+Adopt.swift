#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What became of a file offered for adoption (``LakeStore/adopt(bucket:key:)``).
public enum AdoptionResult: Sendable, Equatable {
  /// The file is now the key's object: this row.
  case adopted(ObjectInfo)
  /// The key already had this row; the file was left alone.
  case exists(ObjectInfo)
  /// The file cannot become the key's object, for this reason; it was left alone.
  case refused(String)
}

extension LakeStore {
  /// Registers the regular file at `<data>/<bucket>/<key>`, which something other than the
  /// store put there (copied by hand, a catalog being rebuilt), as the key's object, so the
  /// change log gets a `put` and the indexer reads it like any PUT. When this returns
  /// `.adopted`, the file and the row are durable.
  ///
  /// The file is read once to compute its size and the ETag a single PUT of the same bytes
  /// gets (its MD5); its Content-Type is guessed from the key's suffix
  /// (`application/octet-stream` otherwise) and its last-modified time is the file's. It is
  /// never moved, renamed or changed. It is refused (and left alone) when the key is not one
  /// the store would place at that path (longer than `maxKeyBytes`, not a plain relative path,
  /// or any key on a file system that folds case), when the path is a symlink or not a
  /// regular file, when it cannot be read, or when it changes while being read. A key that
  /// already has a row is left alone (`.exists`).
  ///
  /// Throws `.noSuchBucket` when the bucket has no catalog row, `.catalog` when the catalog
  /// fails. Safe beside other writes: the commit happens under the key's lock, after checking
  /// that the file at the path is still the one read.
  public func adopt(bucket: String, key: String) throws(LakeError) -> AdoptionResult {
    let result = try stageAdoption(bucket: bucket, key: key)
    if case .adopted = result.result, let ticket = result.ticket {
      try catalog.awaitDurable(ticket)
    }
    return result.result
  }

  /// ``adopt(bucket:key:)`` whose row is committed but not yet durable: it is once
  /// ``awaitCatalogDurable()`` (or `catalog.awaitDurable` with the ticket) returns. The file
  /// and its directory entry are durable before the row is committed, so a crash can only
  /// lose the row (the file is then an orphan again, and adopted again by the next run).
  func stageAdoption(bucket: String, key: String) throws(LakeError)
    -> (result: AdoptionResult, ticket: SyncRounds.Ticket?)
  {
    try checkOpen()
    try requireBucket(bucket)
    if let reason = adoptionRefusal(key: key) { return (.refused(reason), nil) }
    let path = bucket + "/" + key
    let read: AdoptionRead
    switch readForAdoption(path) {
    case .success(let value): read = value
    case .failure(let reason): return (.refused(reason.text), nil)
    }
    let row = ObjectInfo(
      bucket: bucket, key: key, size: read.size, etag: Hex.encode(read.md5),
      lastModified: Milliseconds.date(read.modifiedMilliseconds),
      metadata: ObjectMetadata(contentType: ContentTypes.guess(forKey: key)),
      storagePath: path, sequence: 0)
    let stripe = keyLocks.stripe(bucket: bucket, key: key)
    let (commit, ticket) = try stripe.withLock {
      () throws(LakeError) -> (AdoptionCommit?, SyncRounds.Ticket?) in
      // Only a file that is still the one read becomes the object.
      guard let now = try? DirectoryWalk.status(from: layout.root, at: path),
        FileOps.isRegularFile(now), FileOps.identity(now) == read.identity,
        Int64(now.st_size) == read.size
      else { return (nil, nil) }
      return try changeKey(bucket, key, on: stripe) {
        () throws(LakeError) -> (AdoptionCommit?, SyncRounds.Ticket?) in
        let (commit, ticket) = try catalog.stageAdoption(row)
        return (commit, ticket)
      }
    }
    switch commit {
    case .adopted(let info)?: return (.adopted(info), ticket)
    case .exists(let info)?: return (.exists(info), nil)
    case .pathInUse?: return (.refused("another object or a write in progress uses the path"), nil)
    case nil: return (.refused("the file changed while it was read"), nil)
    }
  }

  /// Waits until every catalog write committed so far is on disk. Throws `.catalog`.
  func awaitCatalogDurable() throws(LakeError) {
    try catalog.awaitDurable(try catalog.durabilityTicket())
  }

  /// Why `key` cannot be adopted from its plain path, or nil when it can.
  func adoptionRefusal(key: String) -> String? {
    if key.isEmpty { return "the key would be empty" }
    let length = key.utf8.count
    if length > options.maxKeyBytes {
      return "the key would be \(length) bytes long; the limit is \(options.maxKeyBytes) "
        + "(max_key_bytes)"
    }
    if PathComponents.plainComponents(ofKey: key) == nil {
      return "the name is not a plain relative path"
    }
    if !layout.namesAreExact {
      return "this file system folds case or normalizes names, so objects are stored "
        + "in the overflow area, never at their key's path"
    }
    return nil
  }

  /// What reading a file for adoption found.
  struct AdoptionRead {
    var size: Int64
    var md5: [UInt8]
    var identity: String
    var modifiedMilliseconds: Int64
  }

  /// Why a file could not be read for adoption, in words.
  struct AdoptionFailure: Error {
    var text: String
  }

  /// Opens the regular file at `path` (no symlink followed anywhere on the way), fsyncs it,
  /// hashes it, fsyncs its directory, and checks that it did not change meanwhile.
  private func readForAdoption(_ path: String) -> Result<AdoptionRead, AdoptionFailure> {
    let fd: Int32
    do throws(Errno) {
      fd = try DirectoryWalk.openRegularFile(from: layout.root, at: path).descriptor
    } catch {
      switch error.code {
      case ELOOP: return .failure(AdoptionFailure(text: "it is a symbolic link"))
      case EINVAL: return .failure(AdoptionFailure(text: "it is not a regular file"))
      default: return .failure(AdoptionFailure(text: "it cannot be opened: \(error.name)"))
      }
    }
    defer { FileOps.closeDescriptor(fd) }
    do throws(Errno) {
      let before = try FileOps.status(fd)
      // The file may never have been synced by whoever wrote it: make it durable before a
      // row names it, as a PUT does with its temp file.
      try FileOps.sync(fd)
      let (md5, length) = try Self.md5AndLength(of: fd)
      let after = try FileOps.status(fd)
      guard FileOps.identity(after) == FileOps.identity(before),
        Int64(after.st_size) == length, Int64(before.st_size) == length
      else { return .failure(AdoptionFailure(text: "the file changed while it was read")) }
      let (directory, _) = try DirectoryWalk.openParent(from: layout.root, of: path)
      defer { FileOps.closeDescriptor(directory) }
      if let failure = syncDirectory(directory, path) {
        return .failure(AdoptionFailure(text: "\(failure)"))
      }
      return .success(
        AdoptionRead(
          size: length, md5: md5, identity: FileOps.identity(after),
          modifiedMilliseconds: Self.milliseconds(after.st_mtim)))
    } catch {
      return .failure(AdoptionFailure(text: "it cannot be read: \(error.name)"))
    }
  }

  /// MD5 of an open file from offset 0 to its end, and how many bytes that was.
  static func md5AndLength(of fd: Int32) throws(Errno) -> ([UInt8], Int64) {
    let digest = DigestPipeline(extra: [])
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    var offset: Int64 = 0
    while true {
      let count = try FileOps.read(fd, into: buffer, at: offset)
      if count == 0 { break }
      digest.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
      offset += Int64(count)
      if count < buffer.count { break }
    }
    digest.finish()
    return (digest.md5(), offset)
  }

  /// A file time as whole milliseconds since 1970; now when it is out of range.
  static func milliseconds(_ time: timespec) -> Int64 {
    let (seconds, overflow) = Int64(time.tv_sec).multipliedReportingOverflow(by: 1000)
    guard !overflow, seconds >= 0, seconds <= Int64(253_402_300_799_000) else {
      return Milliseconds.now()
    }
    return seconds + Int64(time.tv_nsec) / 1_000_000
  }
}
