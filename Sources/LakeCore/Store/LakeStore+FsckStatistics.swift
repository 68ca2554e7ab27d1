import LakeQuery

extension LakeStore {
  /// Phase 3 of `fsck` (`FsckOptions.statistics`): for every object whose current version
  /// the indexer has recorded, examines its file again (``FileExaminer``) and compares the
  /// result with the record: size, format, status and reason, row count, and each column's
  /// name, type, min, max and null count. A difference is `statisticsMismatch`; so is a
  /// version the index's position has passed without a record of it. Repair writes the
  /// fresh examination in place of the record (and has the bucket's DuckLake view redo the
  /// dataset). Versions the indexer has not reached yet are counted in
  /// `FsckSummary.statisticsPending`. Streams the catalog 256 rows at a time.
  func checkStatistics(
    repair: Bool, summary: inout FsckSummary, record: FsckRecorder,
    progress: (FsckSummary) -> Void
  ) throws(LakeError) {
    var position: (bucket: String, key: String)?
    while true {
      let rows = try catalog.objects(after: position, limit: 256)
      guard let last = rows.last else { return }
      position = (last.bucket, last.key)
      defer { progress(summary) }
      let indexed = try catalog.indexedSequence()
      for row in rows {
        guard let recorded = try indexRecord(of: row, indexed: indexed) else {
          summary.statisticsPending += 1
          continue
        }
        guard let fresh = examineAgain(row) else { continue }  // changed, or unreadable
        summary.statisticsChecked += 1
        let detail: String
        switch recorded {
        case .some(let file):
          guard let difference = Self.statisticsDifference(recorded: file, fresh: fresh) else {
            continue
          }
          detail = difference
        case .none:
          detail = "the index has no record of this version, though it is past it"
        }
        let problem = FsckProblem.statisticsMismatch(
          bucket: row.bucket, key: row.key, detail: detail)
        guard repair else {
          record(FsckFinding(problem: problem, repair: .none), &summary)
          continue
        }
        let replaced = try catalog.replaceIndexRecord(fresh)
        if replaced {
          let change = PendingChange(
            sequence: row.sequence, bucket: row.bucket, key: row.key, isDelete: false)
          duckLake?.indexed([change], through: try catalog.indexedSequence())
        }
        record(FsckFinding(problem: problem, repair: replaced ? .reindexed : .none), &summary)
      }
    }
  }

  /// The index's record of `row`'s version: `.some(record)`; `.some(nil)` when the index's
  /// position is past the version but holds no record of it; nil when the indexer has not
  /// reached it (or the key changed meanwhile).
  private func indexRecord(of row: ObjectInfo, indexed: Int64) throws(LakeError)
    -> LakeFileInfo??
  {
    if let file = try catalog.lakeFile(bucket: row.bucket, key: row.key),
      file.sequence == row.sequence
    {
      return .some(file)
    }
    guard indexed >= row.sequence else { return nil }
    // Read again, in this order, so a write that replaced the key between the reads above
    // is not taken for a missing record.
    let position = try catalog.indexedSequence()
    guard try catalog.object(bucket: row.bucket, key: row.key)?.sequence == row.sequence,
      position >= row.sequence
    else { return nil }
    let again = try catalog.lakeFile(bucket: row.bucket, key: row.key)
    if let again, again.sequence == row.sequence { return .some(again) }
    if let again, again.sequence > row.sequence { return nil }
    return .some(nil)
  }

  /// What the indexer would record for `row` now, or nil when the key no longer has that
  /// version or its file cannot be opened (the row check reports that).
  private func examineAgain(_ row: ObjectInfo) -> LakeFileInfo? {
    guard let opened = try? openObject(bucket: row.bucket, key: row.key, caching: false) else {
      return nil
    }
    defer { if opened.owner == nil { FileOps.closeDescriptor(opened.descriptor) } }
    guard opened.info.sequence == row.sequence else { return nil }
    return FileExaminer.examine(opened)
  }

  /// The first way `recorded` differs from `fresh` in what the index stores, in words; nil
  /// when they agree. Values are compared as the index stores them (a NaN bound is stored as
  /// unknown).
  static func statisticsDifference(recorded: LakeFileInfo, fresh: LakeFileInfo) -> String? {
    if recorded.size != fresh.size { return "size: index \(recorded.size), file \(fresh.size)" }
    if recorded.format.format != fresh.format.format || recorded.format.gzip != fresh.format.gzip {
      return "format: index \(describe(recorded.format)), file \(describe(fresh.format))"
    }
    if recorded.format.contentType != fresh.format.contentType {
      return
        "content type: index \(recorded.format.contentType), file \(fresh.format.contentType)"
    }
    if recorded.status != fresh.status || recorded.reason != fresh.reason {
      return "status: index \(describe(recorded.status, recorded.reason)), "
        + "file \(describe(fresh.status, fresh.reason))"
    }
    if recorded.rowCount != fresh.rowCount {
      return "row count: index \(describe(recorded.rowCount)), file \(describe(fresh.rowCount))"
    }
    let names = { (columns: [LakeColumn]) in
      columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
    }
    guard recorded.columns.count == fresh.columns.count,
      zip(recorded.columns, fresh.columns).allSatisfy({ $0.name == $1.name && $0.type == $1.type })
    else {
      return "columns: index [\(names(recorded.columns))], file [\(names(fresh.columns))]"
    }
    for (old, new) in zip(recorded.columns, fresh.columns) {
      if stored(old.min) != stored(new.min) {
        return "column \(old.name): min index \(describe(old.min)), file \(describe(new.min))"
      }
      if stored(old.max) != stored(new.max) {
        return "column \(old.name): max index \(describe(old.max)), file \(describe(new.max))"
      }
      if old.nullCount != new.nullCount {
        return "column \(old.name): nulls index \(describe(old.nullCount)), "
          + "file \(describe(new.nullCount))"
      }
    }
    return nil
  }

  /// A statistic as the index stores it: SQLite keeps no NaN (it becomes NULL).
  private static func stored(_ value: TypedValue?) -> TypedValue? {
    if case .decimal(let number)? = value, number.isNaN { return nil }
    return value
  }

  private static func describe(_ format: FormatGuess) -> String {
    format.format.rawValue + (format.gzip ? " (gzip)" : "")
  }

  private static func describe(_ status: LakeFileInfo.Status, _ reason: String?) -> String {
    status.rawValue + (reason.map { " (\($0))" } ?? "")
  }

  private static func describe(_ number: Int64?) -> String {
    number.map(String.init) ?? "unknown"
  }

  /// The value as the API writes it (``TypedValue/text``), a string quoted.
  private static func describe(_ value: TypedValue?) -> String {
    switch value {
    case nil: "unknown"
    case .string(let text)?: "'\(text)'"
    case let value?: value.text
    }
  }
}
