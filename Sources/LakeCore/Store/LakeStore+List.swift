extension LakeStore {
  /// One page of the bucket's keys in UTF-8 byte order (S3 ListObjects / ListObjectsV2).
  ///
  /// - Entries are strictly after `after` (nil: from the start) and start with `prefix`.
  /// - With a non-empty `delimiter`, keys containing it after the prefix roll up into one
  ///   `commonPrefix` (prefix + … + delimiter), which counts as one entry toward `maxKeys`;
  ///   a common prefix <= `after` (including one `after` lies inside) is skipped.
  /// - `isTruncated` says whether more entries exist after the last one returned;
  ///   `maxKeys` <= 0 returns no entries.
  ///
  /// Cost: each page is a few indexed range scans on (bucket, key): one per common prefix
  /// emitted (it seeks past every key under it) plus one, each reading only the rows it
  /// returns, so it does not grow with the bucket's size. One consistent snapshot.
  /// Throws `.noSuchBucket`, `.catalog`.
  public func listObjects(
    bucket: String, prefix: String, delimiter: String?, after: String?, maxKeys: Int
  ) throws(LakeError) -> ListPage {
    try checkOpen()
    return try catalog.list(
      bucket: bucket, prefix: prefix, delimiter: delimiter, after: after, maxKeys: maxKeys)
  }
}
