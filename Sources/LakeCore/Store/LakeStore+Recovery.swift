import Crypto

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension LakeStore {
  /// Settles the writes a crash interrupted, from the catalog's intents alone (the data tree
  /// is never walked), then empties `tmp/`. Runs once, in `init`, before any other call.
  ///
  /// Intents are settled oldest first. A PUT's final transaction does not wait for the disk
  /// (its intent and renamed file are durable), so a crash can leave the intents of several
  /// acknowledged PUTs of one key; rolling each forward in order leaves the newest.
  ///
  /// - PUT intent whose file is at its preferred or fallback path (same size and file
  ///   identity, or MD5 for intents of old builds): the rename happened. Roll forward
  ///   (commit the row, remove a replaced file), unless the row already names that file.
  ///   A Complete's intent rolls forward together with its upload's removal.
  /// - PUT intent whose file is not there: the rename never happened (or a later write
  ///   replaced the file); drop the intent and its temp file.
  /// - DELETE intent: if the row still has the recorded sequence number, finish the delete.
  /// - Remaining files in `tmp/` (temp files, and names a crash left beside a rename) are
  ///   deleted.
  /// - Uploads a Complete had frozen but not committed take parts again; files in
  ///   `uploads/` that no catalog row names (a part renamed in but not committed, an upload
  ///   completed or aborted but not yet cleaned up) are deleted.
  func recover() throws(LakeError) {
    let intents = try catalog.intents()
    for intent in intents {
      switch intent {
      case .put(let put): try recoverPut(put)
      case .delete(let delete): try recoverDelete(delete)
      }
    }
    let litter = removeTemporaryFiles()
    let reopened = try catalog.reopenCompletingUploads()
    let strays = try sweepUploads()
    if !intents.isEmpty || litter > 0 || reopened > 0 || strays > 0 {
      logger.info(
        "recovered interrupted writes",
        metadata: [
          "intents": "\(intents.count)", "tempFilesRemoved": "\(litter)",
          "uploadsReopened": "\(reopened)", "uploadFilesRemoved": "\(strays)",
        ])
    }
  }

  private func recoverPut(_ intent: PutIntent) throws(LakeError) {
    let candidates = [intent.storagePath] + (intent.fallbackPath.map { [$0] } ?? [])
    let current = try catalog.object(bucket: intent.bucket, key: intent.key)
    // Checked before the temp file: after a crash the temp name can survive beside a
    // completed rename (only the destination directory was fsynced).
    guard let placed = candidates.first(where: { holdsObject($0, of: intent) }) else {
      try? FileOps.unlink(layout.tmp, intent.tmpName)
      if let fallback = intent.fallbackPath, current?.storagePath != fallback {
        _ = try? removeStoredFile(fallback)
      }
      try catalog.deleteIntent(intent.id)
      return
    }
    if let current, current.storagePath == placed, current.etag == intent.etag,
      current.size == intent.size
    {
      try catalog.deleteIntent(intent.id)  // the final transaction made it (or an equal write)
      return
    }
    let row = ObjectInfo(
      bucket: intent.bucket, key: intent.key, size: intent.size, etag: intent.etag,
      lastModified: Milliseconds.date(Milliseconds.now()), metadata: intent.metadata,
      storagePath: placed, sequence: 0)
    _ = try catalog.finishPut(intent, object: row)
    if let current, current.storagePath != placed {
      _ = try? removeStoredFile(current.storagePath)
      pruneEmptyParents(of: current.storagePath)
    }
  }

  private func recoverDelete(_ intent: DeleteIntent) throws(LakeError) {
    let current = try catalog.object(bucket: intent.bucket, key: intent.key)
    guard let current, current.sequence == intent.objectSequence else {
      try catalog.deleteIntent(intent.id)
      return
    }
    _ = try removeStoredFile(current.storagePath)  // unlinked either way; finish the delete
    try catalog.finishDelete(intent)
    pruneEmptyParents(of: current.storagePath)
  }

  /// Whether the file at `storagePath` is the intent's temp file, renamed: same size and
  /// file identity (inode and modification time; a multipart ETag is no MD5 of the file, and
  /// hashing a large object would slow every restart). Intents of builds that recorded no
  /// identity are checked by MD5.
  private func holdsObject(_ storagePath: String, of intent: PutIntent) -> Bool {
    guard let (fd, size) = try? DirectoryWalk.openRegularFile(from: layout.root, at: storagePath)
    else { return false }
    defer { FileOps.closeDescriptor(fd) }
    guard size == intent.size else { return false }
    if let fileID = intent.fileID {
      return (try? FileOps.status(fd)).map(FileOps.identity) == fileID
    }
    return (try? Self.md5(of: fd)).map(Hex.encode) == intent.etag
  }

  /// MD5 of an open file from offset 0.
  static func md5(of fd: Int32) throws(Errno) -> [UInt8] {
    var hash = Insecure.MD5()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    var offset: off_t = 0
    while true {
      let count = pread(fd, buffer.baseAddress, buffer.count, offset)
      if count < 0 {
        if errno == EINTR { continue }
        throw Errno.current
      }
      if count == 0 { break }
      hash.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
      offset += off_t(count)
    }
    return Array(hash.finalize())
  }

  /// Deletes every file in `tmp/`; returns how many. Only safe while no writer is active.
  private func removeTemporaryFiles() -> Int {
    guard let entries = try? DirectoryIterator(directory: layout.tmp) else { return 0 }
    var names: [String] = []
    while let entry = try? entries.next() {
      if let name = entry.name, entry.kind != .directory { names.append(name) }
    }
    var removed = 0
    for name in names where (try? FileOps.unlink(layout.tmp, name)) != nil {
      removed += 1
    }
    return removed
  }
}
