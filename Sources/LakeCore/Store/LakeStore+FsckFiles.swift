/// The settings of one `fsck` walk, and how many adoptions wait for a catalog fsync.
final class FsckRun {
  let options: FsckOptions
  /// Gets the running totals now and then.
  let progress: (FsckSummary) -> Void
  /// Adopted rows committed since the last wait for the catalog's disk.
  var unsynced = 0

  init(options: FsckOptions, progress: @escaping (FsckSummary) -> Void) {
    self.options = options
    self.progress = progress
  }

  var repair: Bool { options.repair }
}

extension LakeStore {
  /// Phase 2 of `fsck`: walks bucket directories and the overflow area with directory
  /// iterators (one open directory per level, nothing listed in memory).
  func checkFiles(_ run: FsckRun, summary: inout FsckSummary, record: FsckRecorder)
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
      try walk(directory, path: name, bucket: name, run, summary: &summary, record: record)
    }
    try walk(
      try iterator(layout.overflow, String(DataLayout.overflowPrefix.dropLast())),
      path: String(DataLayout.overflowPrefix.dropLast()), bucket: nil, run,
      summary: &summary, record: record)
  }

  /// Checks every entry below the directory `entries` iterates, whose path relative to the
  /// data directory is `path`. `bucket` is set inside a bucket directory (keys map to paths
  /// there). Holds one descriptor per level of depth.
  private func walk(
    _ entries: DirectoryIterator, path: String, bucket: String?, _ run: FsckRun,
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
        try walk(child, path: display, bucket: bucket, run, summary: &summary, record: record)
        continue
      }
      summary.filesChecked += 1
      if summary.filesChecked % 1024 == 0 { run.progress(summary) }
      let file = FsckFile(directory: directory, name: name, path: display, bucket: bucket)
      if let finding = try checkFile(file, kind: entry.kind, run) {
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

  /// Reports (adopts, or repairs) an entry no row or intent accounts for; nil if it is fine.
  private func checkFile(_ file: FsckFile, kind: DirectoryIterator.Kind, _ run: FsckRun)
    throws(LakeError) -> FsckFinding?
  {
    if kind == .regularFile, try isAccountedFor(file.path) { return nil }
    var problem: FsckProblem =
      kind == .regularFile ? .orphanFile(path: file.path) : .unexpectedEntry(path: file.path)
    let key = file.bucket.map { bucket in
      String(decoding: file.path.utf8.dropFirst(bucket.utf8.count + 1), as: UTF8.self)
    }
    if run.options.adopt, kind == .regularFile, let bucket = file.bucket, let key {
      switch try adoptOrphan(bucket: bucket, key: key, run) {
      case .adopted(let info):
        return FsckFinding(
          problem: problem, repair: .adopted(bucket: bucket, key: key, etag: info.etag))
      case .exists(let row):
        if row.storagePath == file.path { return nil }  // a write registered it meanwhile
        problem = .unadoptableFile(
          path: file.path, reason: "the key already has an object, stored at \(row.storagePath)")
      case .refused(let reason):
        problem = .unadoptableFile(path: file.path, reason: reason)
      }
    }
    let found = problem
    let confirm = { () throws(LakeError) -> FsckFinding? in
      if kind == .regularFile, try self.isAccountedFor(file.path) { return nil }
      guard run.repair else { return FsckFinding(problem: found, repair: .none) }
      do throws(LakeError) {
        let moved = try self.moveToLostAndFound(file)
        return FsckFinding(problem: found, repair: .movedTo(moved))
      } catch {
        self.logger.info(
          "fsck could not move an entry", metadata: ["path": "\(file.path)", "error": "\(error)"])
        return FsckFinding(problem: found, repair: .none)
      }
    }
    guard let bucket = file.bucket, let key else { return try confirm() }
    // A plain path is only ever written under its key's lock: hold it to re-check and move.
    return try keyLocks.stripe(bucket: bucket, key: key).withLock(confirm)
  }

  /// Adopts an orphan found by the walk; every 1,024 adoptions waits for the catalog's disk
  /// (the rest is awaited when the walk ends).
  private func adoptOrphan(bucket: String, key: String, _ run: FsckRun) throws(LakeError)
    -> AdoptionResult
  {
    let result: AdoptionResult
    do throws(LakeError) {
      result = try stageAdoption(bucket: bucket, key: key).result
    } catch {
      guard case .noSuchBucket = error else { throw error }
      return .refused("the bucket was deleted meanwhile")
    }
    if case .adopted = result {
      run.unsynced += 1
      if run.unsynced >= 1024 {
        try awaitCatalogDurable()
        run.unsynced = 0
      }
    }
    return result
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
