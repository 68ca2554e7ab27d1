import LakeQuery

extension Catalog {
  /// Replaces the key's index record (its file row, partition values, columns, and the
  /// dataset totals they count in) with `file`, when `file.sequence` is still the key's
  /// current version; the index's position is not moved. Returns whether it did. Used by
  /// fsck to repair a record that no longer matches its file.
  func replaceIndexRecord(_ file: LakeFileInfo) throws(LakeError) -> Bool {
    try writeIndex { (connection) throws(LakeError) -> Bool in
      let current = try connection.run(
        "SELECT seq FROM catalog.objects WHERE bucket = ?1 AND key = ?2"
      ) { (statement) throws(LakeError) -> Int64? in
        try statement.bind(1, file.bucket)
        try statement.bind(2, file.key)
        return try statement.step() ? statement.int64(0) : nil
      }
      guard current == file.sequence else { return false }
      var totals = IndexTotals()
      try Self.replaceIndexRows(file, totals: &totals, on: connection)
      try totals.apply(on: connection)
      return true
    }
  }
}
