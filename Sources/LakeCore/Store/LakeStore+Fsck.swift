extension LakeStore {
  /// Checks the catalog against the files, streaming (bounded memory, whatever the size):
  ///
  /// 1. every row's storage path must hold a regular file of the row's size, else
  ///    `missingFile` / `sizeMismatch`; repair deletes the row (logged as a `delete` change);
  /// 2. every file under each bucket directory and `.lakestore/overflow/` must be some row's
  ///    storage path (or an in-flight write's), else `orphanFile` (symlinks and other
  ///    non-regular entries are `unexpectedEntry`); repair moves them to
  ///    `.lakestore/lost+found/<relative path>`. Top-level entries that are not buckets are
  ///    reported (`unknownTopLevelEntry`) and never touched; `.lakestore` itself (apart from
  ///    `overflow/`) and the top-level `lost+found` are skipped. With `options.adopt`, an
  ///    orphan inside a bucket directory is registered as the object its path names
  ///    (``adopt(bucket:key:)``, reported as `orphanFile` repaired by `adopted`), or, when
  ///    it cannot be, reported as `unadoptableFile` (and moved by repair); adoption comes
  ///    first, so `adopt` with `repair` moves only what could not be adopted;
  /// 3. with `options.statistics`, every object the indexer has recorded is examined again
  ///    and compared with its record (`statisticsMismatch`); repair rewrites the record.
  ///
  /// Safe beside live traffic: each suspect is re-checked under its key's lock before it is
  /// reported or repaired. `report` is called on the calling thread as findings are made.
  /// Empty directories are left alone. Adopted rows are durable when this returns.
  /// `progress` gets the running totals every 1,024 files and after every batch of rows
  /// (for a progress line), on the calling thread. Throws `.catalog` or `.io` when it cannot
  /// go on.
  public func fsck(
    _ options: FsckOptions, progress: @escaping (FsckSummary) -> Void = { _ in },
    report: (FsckFinding) -> Void
  ) throws(LakeError) -> FsckSummary {
    try checkOpen()
    var summary = FsckSummary()
    summary.pendingIntents = try catalog.intents().count
    let record = { (finding: FsckFinding, summary: inout FsckSummary) in
      summary.problems += 1
      if finding.repair != .none { summary.repaired += 1 }
      if case .adopted = finding.repair { summary.adopted += 1 }
      report(finding)
    }
    try checkRows(repair: options.repair, summary: &summary, record: record, progress: progress)
    let run = FsckRun(options: options, progress: progress)
    try checkFiles(run, summary: &summary, record: record)
    if summary.adopted > 0 { try awaitCatalogDurable() }
    if options.statistics {
      try checkStatistics(
        repair: options.repair, summary: &summary, record: record, progress: progress)
    }
    logger.info(
      "fsck finished",
      metadata: [
        "objects": "\(summary.objectsChecked)", "files": "\(summary.filesChecked)",
        "problems": "\(summary.problems)", "repaired": "\(summary.repaired)",
        "adopted": "\(summary.adopted)",
      ])
    return summary
  }

  /// ``fsck(_:report:)`` comparing rows with files only, repairing when `repair` is set.
  public func fsck(repair: Bool, report: (FsckFinding) -> Void) throws(LakeError) -> FsckSummary {
    try fsck(FsckOptions(repair: repair), report: report)
  }

  typealias FsckRecorder = (FsckFinding, inout FsckSummary) -> Void

  private func checkRows(
    repair: Bool, summary: inout FsckSummary, record: FsckRecorder,
    progress: (FsckSummary) -> Void
  ) throws(LakeError) {
    var position: (bucket: String, key: String)?
    while true {
      let rows = try catalog.objects(after: position, limit: 512)
      guard let last = rows.last else { return }
      position = (last.bucket, last.key)
      defer { progress(summary) }
      for row in rows {
        summary.objectsChecked += 1
        guard problem(with: row) != nil else { continue }
        if let finding = try confirmRowProblem(row, repair: repair) {
          record(finding, &summary)
        }
      }
    }
  }

  /// Re-checks a suspect row under its key's lock and repairs it if asked.
  private func confirmRowProblem(_ row: ObjectInfo, repair: Bool) throws(LakeError)
    -> FsckFinding?
  {
    let stripe = keyLocks.stripe(bucket: row.bucket, key: row.key)
    return try stripe.withLock { () throws(LakeError) -> FsckFinding? in
      guard let current = try catalog.object(bucket: row.bucket, key: row.key),
        current.sequence == row.sequence, let problem = problem(with: current)
      else { return nil }
      guard repair else { return FsckFinding(problem: problem, repair: .none) }
      let deleted = try changeKey(current.bucket, current.key, on: stripe) {
        () throws(LakeError) -> Bool in
        try catalog.deleteObjectRow(
          bucket: current.bucket, key: current.key, sequence: current.sequence)
      }
      return FsckFinding(problem: problem, repair: deleted ? .deletedRow : .none)
    }
  }

  /// What is wrong with a row's file, if anything.
  private func problem(with row: ObjectInfo) -> FsckProblem? {
    guard let status = try? DirectoryWalk.status(from: layout.root, at: row.storagePath),
      FileOps.isRegularFile(status)
    else {
      return .missingFile(bucket: row.bucket, key: row.key, storagePath: row.storagePath)
    }
    let size = Int64(status.st_size)
    guard size == row.size else {
      return .sizeMismatch(
        bucket: row.bucket, key: row.key, storagePath: row.storagePath, expected: row.size,
        actual: size)
    }
    return nil
  }
}
