extension LakeStore {
  /// Phase 2 of `fsck`: walks bucket directories and the overflow area with directory
  /// iterators (one open directory per level, nothing listed in memory).
  func checkFiles(repair: Bool, summary: inout FsckSummary, record: FsckRecorder)
    throws(LakeError)
  {
    let buckets = Set(try catalog.buckets().map(\.name))
    let top = try iterator(layout.root, "")
    while let entry = try next(top, "") {
      guard let name = entry.name else {
        record(
          FsckFinding(problem: .unknownTopLevelEntry(name: entry.displayName), repair: .none),
          &summary)
        continue
      }
      if name == DataLayout.metaName || name == DataLayout.lostAndFoundName { continue }
      guard entry.kind == .directory, buckets.contains(name),
        let directory = try? DirectoryIterator(opening: name, in: layout.root)
      else {
        record(FsckFinding(problem: .unknownTopLevelEntry(name: name), repair: .none), &summary)
        continue
      }
      try walk(
        directory, path: name, bucket: name, repair: repair, summary: &summary, record: record)
    }
    try walk(
      try iterator(layout.overflow, String(DataLayout.overflowPrefix.dropLast())),
      path: String(DataLayout.overflowPrefix.dropLast()), bucket: nil,
      repair: repair, summary: &summary, record: record)
  }

  /// Checks every entry below the directory `entries` iterates, whose path relative to the
  /// data directory is `path`. `bucket` is set inside a bucket directory (keys map to paths
  /// there). Holds one descriptor per level of depth.
  private func walk(
    _ entries: DirectoryIterator, path: String, bucket: String?, repair: Bool,
    summary: inout FsckSummary, record: FsckRecorder
  ) throws(LakeError) {
    let directory = entries.descriptor
    while let entry = try next(entries, path) {
      let display = path + "/" + (entry.name ?? entry.displayName)
      guard let name = entry.name else {
        summary.filesChecked += 1
        record(FsckFinding(problem: .unexpectedEntry(path: display), repair: .none), &summary)
        continue
      }
      if entry.kind == .directory {
        guard let child = try? DirectoryIterator(opening: name, in: directory) else { continue }
        try walk(
          child, path: display, bucket: bucket, repair: repair, summary: &summary, record: record)
        continue
      }
      summary.filesChecked += 1
      let file = FsckFile(directory: directory, name: name, path: display, bucket: bucket)
      if let finding = try checkFile(file, kind: entry.kind, repair: repair) {
        record(finding, &summary)
      }
    }
  }

  /// One non-directory entry found by the walk.
  struct FsckFile {
    var directory: Int32
    var name: String
    var path: String
    var bucket: String?
  }

  /// Reports (and repairs) an entry no row or intent accounts for; nil if it is fine.
  private func checkFile(_ file: FsckFile, kind: DirectoryIterator.Kind, repair: Bool)
    throws(LakeError) -> FsckFinding?
  {
    if kind == .regularFile, try isAccountedFor(file.path) { return nil }
    let confirm = { () throws(LakeError) -> FsckFinding? in
      if kind == .regularFile, try self.isAccountedFor(file.path) { return nil }
      let problem: FsckProblem =
        kind == .regularFile ? .orphanFile(path: file.path) : .unexpectedEntry(path: file.path)
      guard repair else { return FsckFinding(problem: problem, repair: .none) }
      do throws(LakeError) {
        let moved = try self.moveToLostAndFound(file)
        return FsckFinding(problem: problem, repair: .movedTo(moved))
      } catch {
        self.logger.info(
          "fsck could not move an entry", metadata: ["path": "\(file.path)", "error": "\(error)"])
        return FsckFinding(problem: problem, repair: .none)
      }
    }
    guard let bucket = file.bucket else { return try confirm() }
    // A plain path is only ever written under its key's lock: hold it to re-check and move.
    let key = String(decoding: file.path.utf8.dropFirst(bucket.utf8.count + 1), as: UTF8.self)
    return try keyLocks.stripe(bucket: bucket, key: key).withLock(confirm)
  }

  /// Whether a row or an in-flight intent owns `path`. Rows are asked again after intents:
  /// an intent disappears in the same transaction that adds its row.
  private func isAccountedFor(_ path: String) throws(LakeError) -> Bool {
    if try catalog.isStoragePathReferenced(path) { return true }
    if try catalog.isIntentPath(path) { return true }
    return try catalog.isStoragePathReferenced(path)
  }

  private func iterator(_ directory: Int32, _ path: String) throws(LakeError) -> DirectoryIterator {
    do { return try DirectoryIterator(directory: directory) } catch {
      throw error.lakeError("opendir", path)
    }
  }

  private func next(_ iterator: DirectoryIterator, _ path: String) throws(LakeError)
    -> DirectoryIterator.Entry?
  {
    do { return try iterator.next() } catch { throw error.lakeError("readdir", path) }
  }
}
