extension LakeStore {
  /// The path of `bucket`'s DuckLake catalog (``DuckLakeViews``), which DuckDB attaches with
  /// `ATTACH 'ducklake:sqlite:<path>' AS lake (READ_ONLY)`; nil when indexing is off. The
  /// file may not exist yet.
  public func duckLakePath(bucket: String) -> String? {
    duckLake?.path(bucket: bucket)
  }

  /// Waits until every bucket's DuckLake view reflects the index as it is complete when
  /// called (see ``waitForIndex(timeout:)``), or `timeout` seconds pass; returns whether
  /// it does. False at once when indexing is off.
  public func waitForDuckLake(timeout: Double) throws(LakeError) -> Bool {
    let start = Milliseconds.now()
    guard try waitForIndex(timeout: timeout), let duckLake else { return false }
    let target = try catalog.indexedSequence()
    let left = timeout - Double(Milliseconds.now() - start) / 1000
    return duckLake.progress.wait(reaching: target, timeout: left) { isClosedNow }
  }
}
