#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One `LakeStore.importTree` in progress: what every worker thread shares (the settings,
/// the totals, the first fatal error) and how each file is brought in.
///
/// Thread rule: ``handle(_:)`` runs on the import's worker threads, several at once; events
/// and totals are updated under one lock, and the callbacks are called under it too, so they
/// run one at a time.
final class ImportRun: Sendable {
  private struct State {
    var totals = ImportProgress()
    var failure: LakeError?
    /// Rows registered in place since the last wait for the catalog's disk.
    var unsynced = 0
  }

  let store: LakeStore
  let bucket: String
  /// Ends with `/` unless empty.
  let prefix: String
  let options: ImportOptions
  /// The imported directory (owned by the caller, open until the workers are done).
  let root: Int32
  private let report: @Sendable (ImportEvent) -> Void
  private let progress: @Sendable (ImportProgress) -> Void
  private let state = Locked(State())

  init(
    store: LakeStore, bucket: String, prefix: String, options: ImportOptions, root: Int32,
    report: @escaping @Sendable (ImportEvent) -> Void,
    progress: @escaping @Sendable (ImportProgress) -> Void
  ) {
    self.store = store
    self.bucket = bucket
    self.prefix = prefix
    self.options = options
    self.root = root
    self.report = report
    self.progress = progress
  }

  /// The first error that stopped the import, if any.
  var failure: LakeError? { state.withLock { $0.failure } }

  var totals: ImportProgress { state.withLock { $0.totals } }

  /// Stops the import with `error` (the first one wins).
  func fail(_ error: LakeError) {
    state.withLock { state in
      if state.failure == nil { state.failure = error }
    }
  }

  /// What happened to one entry.
  enum Outcome {
    case imported(ObjectInfo)
    case existing
    case event(ImportEvent)
  }

  /// Counts an event that is not a file's outcome (the walk's), and reports it.
  func record(_ event: ImportEvent) {
    count(.event(event))
  }

  private func count(_ outcome: Outcome) {
    state.withLock { state in
      switch outcome {
      case .imported(let info):
        state.totals.imported += 1
        state.totals.bytes += info.size
      case .existing:
        state.totals.existing += 1
      case .event(let event):
        switch event {
        case .exists: state.totals.existing += 1
        case .skipped: state.totals.skipped += 1
        case .failed: state.totals.failed += 1
        case .overflowed(_, _):
          state.totals.imported += 1
        }
        report(event)
      }
      progress(state.totals)
    }
  }

  /// Brings in the regular file at `path` (relative to the imported directory).
  func handle(_ path: String) {
    guard failure == nil else { return }
    do throws(LakeError) {
      let outcome: Outcome
      switch options.mode {
      case .copy: outcome = try copy(path)
      case .move: outcome = try move(path)
      case .inPlace: outcome = try registerInPlace(path)
      }
      count(outcome)
    } catch {
      fail(error)
    }
  }

  // MARK: - Copy

  /// Copies the file through the PUT path. Reading errors are the file's; writing errors
  /// are the store's and stop the import (thrown).
  func copy(_ path: String) throws(LakeError) -> Outcome {
    let key = prefix + path
    do throws(LakeError) {
      try store.validateKey(key)
    } catch {
      return .event(.skipped(path: path, reason: "\(error)"))
    }
    if !options.overwrite, try store.catalog.object(bucket: bucket, key: key) != nil {
      return .event(.exists(path: path, key: key))
    }
    let opened: (descriptor: Int32, size: Int64)
    switch openSource(path) {
    case .opened(let descriptor, let size): opened = (descriptor, size)
    case .refused(let event): return .event(event)
    }
    defer { FileOps.closeDescriptor(opened.descriptor) }
    let writer = try store.makeWriter(bucket: bucket, key: key, expectedSize: opened.size)
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: Int(min(max(opened.size, 1), 1 << 20)), alignment: 16)
    defer { buffer.deallocate() }
    var offset: Int64 = 0
    while true {
      let count: Int
      do throws(Errno) {
        count = try FileOps.read(opened.descriptor, into: buffer, at: offset)
      } catch {
        writer.abort()
        return .event(.failed(path: path, reason: "read: \(error.name)"))
      }
      if count == 0 { break }
      do throws(LakeError) {
        try writer.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
      } catch {
        writer.abort()
        throw error
      }
      offset += Int64(count)
    }
    let info: ObjectInfo
    do throws(LakeError) {
      info = try store.commit(
        writer, metadata: ObjectMetadata(contentType: ContentTypes.guess(forKey: key)),
        condition: options.overwrite ? .none : .ifNoneMatchAny)
    } catch {
      if error == .preconditionFailed { return .event(.exists(path: path, key: key)) }
      throw error
    }
    if info.storagePath.hasPrefix(DataLayout.overflowPrefix) {
      return .event(.overflowed(path: path, key: key))
    }
    return .imported(info)
  }

  private enum OpenedSource {
    case opened(descriptor: Int32, size: Int64)
    case refused(ImportEvent)
  }

  /// Opens the source file for reading, never following a symlink.
  private func openSource(_ path: String) -> OpenedSource {
    do throws(Errno) {
      let (descriptor, size) = try DirectoryWalk.openRegularFile(from: root, at: path)
      return .opened(descriptor: descriptor, size: size)
    } catch {
      switch error.code {
      case ELOOP: return .refused(.skipped(path: path, reason: "a symbolic link (never followed)"))
      case EINVAL: return .refused(.skipped(path: path, reason: "not a regular file"))
      default: return .refused(.failed(path: path, reason: "open: \(error.name)"))
      }
    }
  }

  // MARK: - In place

  /// Registers a file that is already at its key's path.
  func registerInPlace(_ path: String) throws(LakeError) -> Outcome {
    let key = prefix + path
    let (result, _) = try store.stageAdoption(bucket: bucket, key: key)
    switch result {
    case .adopted(let info):
      try syncEvery(1024)
      return .imported(info)
    case .exists(let row):
      // Already this key's object (an earlier run): nothing to report.
      if row.storagePath == bucket + "/" + key { return .existing }
      return .event(.exists(path: path, key: key))
    case .refused(let reason):
      return .event(.skipped(path: path, reason: reason))
    }
  }

  /// Waits for the catalog's disk once every `count` rows registered without waiting.
  private func syncEvery(_ count: Int) throws(LakeError) {
    let due = state.withLock { state -> Bool in
      state.unsynced += 1
      guard state.unsynced >= count else { return false }
      state.unsynced = 0
      return true
    }
    if due { try store.awaitCatalogDurable() }
  }
}
