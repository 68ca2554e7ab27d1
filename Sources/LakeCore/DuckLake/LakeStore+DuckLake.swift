#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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

extension LakeStore {
  /// A consistent copy of `bucket`'s DuckLake catalog as it is now (SQLite's `VACUUM INTO`,
  /// so the live file's WAL is folded in), for use on another machine: an open descriptor of
  /// an unlinked file in `.lakestore/tmp/` (the caller closes it) and its length; nil while
  /// the bucket has no view (indexing off, or not written yet). Throws `.noSuchBucket`,
  /// `.catalog` or `.io`.
  public func duckLakeCopy(bucket: String) throws(LakeError) -> (descriptor: Int32, size: Int64)? {
    try checkOpen()
    try requireBucket(bucket)
    guard let path = duckLakePath(bucket: bucket),
      (try? FileOps.status(layout.root, ".lakestore/ducklake/" + bucket + ".sqlite")) != nil
    else { return nil }
    let name = "ducklake-" + UniqueName.next() + ".sqlite"
    let copy = layout.rootPath + "/" + DataLayout.metaName + "/" + DataLayout.tmpName + "/" + name
    do throws(LakeError) {
      let source = try SQLiteConnection(
        path: path, readOnly: true, counters: catalog.counters)
      defer { source.close() }
      try source.execute("VACUUM INTO '\(copy.replacingOccurrences(of: "'", with: "''"))'")
    } catch {
      try? FileOps.unlink(layout.tmp, name)
      throw error
    }
    defer { try? FileOps.unlink(layout.tmp, name) }
    do throws(Errno) {
      let descriptor = try FileOps.open(layout.tmp, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
      do throws(Errno) {
        let size = Int64(try FileOps.status(descriptor).st_size)
        return (descriptor, size)
      } catch {
        FileOps.closeDescriptor(descriptor)
        throw error
      }
    } catch {
      throw error.lakeError("open", DataLayout.metaName + "/tmp/" + name)
    }
  }
}
