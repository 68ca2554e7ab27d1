#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension LakeStore {
  /// Brings every regular file under the directory `source` into `bucket` as an object whose
  /// key is `options.prefix` followed by the file's path relative to `source` (for
  /// `inPlace`, its path relative to the bucket directory), in the way `options.mode` says
  /// (see ``ImportMode``). The indexer then records each object's statistics, as for a PUT.
  ///
  /// Streams: the tree is walked with one open directory per level while `options.jobs`
  /// threads handle the files, at most four per thread waiting, so memory does not grow with
  /// the number of files. Symlinks are never followed (they are skipped, as are other
  /// non-regular entries and names that are not UTF-8); every file left alone is reported to
  /// `report` (``ImportEvent``); `progress` gets the running totals after each file. Both are
  /// called one at a time, from the worker threads.
  ///
  /// Keys that already have objects are left alone (reported as `exists`) unless
  /// `options.overwrite`, which replaces them through the PUT path (copy and move). Copying
  /// writes each object like a PUT; moving hard-links the file into the bucket directory,
  /// registers it there (``adopt(bucket:key:)``, durably) and only then removes its old
  /// name, falling back to copy-then-remove across file systems; a move whose key path
  /// conflicts with the bucket's tree is skipped, never placed elsewhere. An interrupted
  /// import can be run again: what was imported is found in place (a move finishes the
  /// files it had linked or registered). Every object is durable when this returns.
  ///
  /// Throws `.noSuchBucket`; `.invalidKey` for a prefix that is not a plain relative path;
  /// `.io` when `source` cannot be opened, is inside the data directory for copy or move
  /// (or outside the bucket's directory for `inPlace`), or when writing to the store fails
  /// (then the import stops after the files in hand; what was imported stays); `.catalog`.
  public func importTree(
    from source: String, bucket: String, options: ImportOptions,
    report: @escaping @Sendable (ImportEvent) -> Void,
    progress: @escaping @Sendable (ImportProgress) -> Void = { _ in }
  ) throws(LakeError) -> ImportProgress {
    try checkOpen()
    try requireBucket(bucket)
    let prefix = try importPrefix(source: source, bucket: bucket, options: options)
    let root: Int32
    do throws(Errno) {
      root = try FileOps.open(AT_FDCWD, source, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    } catch {
      throw error.lakeError("open the directory to import", source)
    }
    defer { FileOps.closeDescriptor(root) }
    let run = ImportRun(
      store: self, bucket: bucket, prefix: prefix, options: options, root: root,
      report: report, progress: progress)
    let workers = WorkerThreads<String>(
      count: min(max(options.jobs, 1), 64), capacity: 4 * min(max(options.jobs, 1), 64),
      name: "lakestore.import"
    ) { path in run.handle(path) }
    do throws(Errno) {
      let top = try DirectoryIterator(directory: root)
      walkImport(top, path: "", run: run, workers: workers)
    } catch {
      run.fail(error.lakeError("read the directory to import", source))
    }
    workers.finish()
    if let failure = run.failure { throw failure }
    try awaitCatalogDurable()
    return run.totals
  }

  /// The key prefix for `options`: the tree's place in the bucket for `inPlace`, else the
  /// option's, with a `/` at its end. Throws as ``importTree(from:bucket:options:report:progress:)``.
  private func importPrefix(source: String, bucket: String, options: ImportOptions)
    throws(LakeError) -> String
  {
    guard let resolved = Self.resolvedPath(source) else {
      throw .io(operation: "open the directory to import", path: source, errno: errno)
    }
    guard let data = Self.resolvedPath(layout.rootPath) else {
      throw .io(operation: "resolve the data directory", path: layout.rootPath, errno: errno)
    }
    var prefix: String
    if options.mode == .inPlace {
      let bucketDirectory = data + "/" + bucket
      guard resolved == bucketDirectory || resolved.hasPrefix(bucketDirectory + "/") else {
        throw .io(
          operation: "import in place (the directory is not inside \(bucketDirectory))",
          path: source, errno: EINVAL)
      }
      prefix = String(resolved.dropFirst(bucketDirectory.count))
      if prefix.hasPrefix("/") { prefix.removeFirst() }
    } else {
      guard resolved != data, !resolved.hasPrefix(data + "/") else {
        throw .io(
          operation: "import (the directory is inside the data directory; use in-place "
            + "import for files already in a bucket directory)", path: source, errno: EINVAL)
      }
      prefix = options.prefix
    }
    if prefix.hasSuffix("/") { prefix.removeLast() }
    if prefix.isEmpty { return "" }
    guard PathComponents.plainComponents(ofKey: prefix) != nil else {
      throw .invalidKey("the prefix '\(prefix)' is not a plain relative path")
    }
    return prefix + "/"
  }

  /// Walks one directory of the imported tree (`path` is its path relative to the root,
  /// empty for the root) depth first, handing regular files to the workers and reporting
  /// everything else. Stops early once the import failed.
  private func walkImport(
    _ entries: DirectoryIterator, path: String, run: ImportRun, workers: WorkerThreads<String>
  ) {
    while run.failure == nil {
      let entry: DirectoryIterator.Entry?
      do throws(Errno) {
        entry = try entries.next()
      } catch {
        run.record(.failed(path: path.isEmpty ? "." : path, reason: "readdir: \(error.name)"))
        return
      }
      guard let entry else { return }
      let display = (path.isEmpty ? "" : path + "/") + (entry.name ?? entry.displayName)
      guard let name = entry.name else {
        run.record(.skipped(path: display, reason: "the name is not valid UTF-8"))
        continue
      }
      switch entry.kind {
      case .regularFile:
        workers.submit(display)
      case .directory:
        do throws(Errno) {
          let child = try DirectoryIterator(opening: name, in: entries.descriptor)
          walkImport(child, path: display, run: run, workers: workers)
        } catch {
          run.record(.failed(path: display, reason: "the directory cannot be read: \(error.name)"))
        }
      case .symlink:
        run.record(.skipped(path: display, reason: "a symbolic link (never followed)"))
      case .other:
        run.record(.skipped(path: display, reason: "not a regular file"))
      }
    }
  }

  /// `realpath(3)` of `path`, or nil (errno set).
  static func resolvedPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
