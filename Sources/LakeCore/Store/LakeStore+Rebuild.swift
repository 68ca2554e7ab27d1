import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `LakeStore.rebuildCatalog` did, step by step.
public enum RebuildEvent: Sendable, Equatable {
  /// The old catalog's files (and the index and DuckLake views derived from it, unfinished
  /// uploads' parts and temp files) were moved into this directory, relative to the data
  /// directory.
  case movedAside(String)
  /// A bucket row was created for this top-level directory.
  case bucket(String)
  /// A top-level entry that cannot be a bucket, left alone.
  case notABucket(name: String, reason: String)
  /// What the adopting fsck found and did (see ``LakeStore/fsck(_:report:)``).
  case finding(FsckFinding)
}

extension LakeStore {
  /// Recreates the catalog of `dataDirectory` from its files after `catalog.db` was lost or
  /// damaged: takes the directory lock; moves the old catalog files (`catalog.db*`), the
  /// index (`index.db*`), the DuckLake views, the parts of unfinished multipart uploads and
  /// the temp files into `.lakestore/catalog.broken-<UTC time>/` (nothing is deleted); opens
  /// the store on a fresh catalog; creates a bucket row for every top-level directory whose
  /// name is a valid bucket name; then runs ``fsck(_:report:)`` with `adopt` and `repair`, so
  /// every file of every bucket directory becomes the object its path names, and what cannot
  /// (overflow-area files, whose keys only the catalog knew; unsafe names) moves to
  /// `lost+found`. The index and the DuckLake views are rebuilt by the indexer as the
  /// objects are registered.
  ///
  /// What only the catalog held is lost: user metadata, Content-Type and other headers the
  /// clients set (the type is guessed from the name), tags, additional checksums, multipart
  /// ETags (an object's ETag becomes its MD5), bucket creation times, unfinished uploads.
  ///
  /// Unless `force`, refuses (`.catalog`) when the existing catalog is readable: fsck, not a
  /// rebuild, is the tool for a working catalog. Returns the open store (the caller closes
  /// it, after waiting for the index if it likes) and the fsck summary. `report` is called
  /// on the calling thread. Throws `.io` when the directory is in use or the files cannot be
  /// moved, `.catalog`.
  public static func rebuildCatalog(
    dataDirectory: String, options: StoreOptions = StoreOptions(), logger: Logger,
    force: Bool = false, report: (RebuildEvent) -> Void
  ) throws(LakeError) -> (LakeStore, FsckSummary) {
    let layout = try DataLayout(rootPath: dataDirectory)
    if !force, let objects = readableCatalogObjects(layout) {
      throw .catalog(
        "the catalog is readable (\(objects) objects): a rebuild would lose what only it holds "
          + "(metadata, tags, multipart ETags); run fsck, or force the rebuild")
    }
    let aside = try moveCatalogAside(layout)
    report(.movedAside(aside))
    let store = try LakeStore(layout: layout, options: options, logger: logger)
    do throws(LakeError) {
      // The lost catalog's sequence numbers are unknown; the new ones start at the time in
      // microseconds, above any it can have reached (which would take a million changes a
      // second since its own start).
      let (floor, overflow) = Milliseconds.now().multipliedReportingOverflow(by: 1000)
      try store.catalog.raiseChangeSequence(above: overflow ? Int64.max / 2 : floor)
      try store.createBucketRows(report: report)
      let summary = try store.fsck(FsckOptions(repair: true, adopt: true)) { finding in
        report(.finding(finding))
      }
      logger.info(
        "catalog rebuilt",
        metadata: ["aside": "\(aside)", "adopted": "\(summary.adopted)"])
      return (store, summary)
    } catch {
      store.close()
      throw error
    }
  }

  /// The number of objects of the catalog file if SQLite can open, check and count it; nil
  /// when it is missing or damaged.
  private static func readableCatalogObjects(_ layout: DataLayout) -> Int64? {
    guard (try? FileOps.status(layout.meta, "catalog.db")) != nil else { return nil }
    guard
      let connection = try? SQLiteConnection(
        path: layout.catalogPath, readOnly: false, counters: CatalogCounters())
    else { return nil }
    defer { connection.close() }
    let check = try? connection.run("PRAGMA quick_check") { (statement) throws(LakeError) in
      try statement.step() ? statement.text(0) : ""
    }
    guard check == "ok" else { return nil }
    return try? connection.scalar("SELECT count(*) FROM objects")
  }

  /// Moves the catalog, the index, the DuckLake views, upload parts and temp files into a
  /// new `.lakestore/catalog.broken-<time>/`; returns its path relative to the data
  /// directory.
  private static func moveCatalogAside(_ layout: DataLayout) throws(LakeError) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
    let stem = "catalog.broken-" + formatter.string(from: Date())
    var name = stem
    var attempt = 0
    while true {
      do throws(Errno) {
        try FileOps.makeDirectory(layout.meta, name)
        break
      } catch {
        guard error.code == EEXIST, attempt < 1000 else {
          throw error.lakeError("mkdir", ".lakestore/" + name)
        }
        attempt += 1
        name = stem + "-\(attempt)"
      }
    }
    let path = DataLayout.metaName + "/" + name
    do throws(Errno) {
      let aside = try FileOps.openDirectory(layout.meta, name)
      defer { FileOps.closeDescriptor(aside) }
      for entry in try names(in: layout.meta)
      where entry.hasPrefix("catalog.db") || entry.hasPrefix("index.db") || entry == "ducklake" {
        try FileOps.rename(layout.meta, entry, aside, entry)
      }
      for (directory, label) in [
        (layout.tmp, DataLayout.tmpName), (layout.uploads, DataLayout.uploadsName),
      ] {
        let entries = try names(in: directory)
        if entries.isEmpty { continue }
        try FileOps.makeDirectory(aside, label)
        let target = try FileOps.openDirectory(aside, label)
        defer { FileOps.closeDescriptor(target) }
        for entry in entries { try FileOps.rename(directory, entry, target, entry) }
        try FileOps.sync(target)
        try FileOps.sync(directory)
      }
      try FileOps.sync(aside)
      try FileOps.sync(layout.meta)
    } catch {
      throw error.lakeError("move the old catalog into", path)
    }
    return path
  }

  /// The names in a directory (small ones only: `.lakestore`, `tmp`, `uploads`).
  private static func names(in directory: Int32) throws(Errno) -> [String] {
    let entries = try DirectoryIterator(directory: directory)
    var names: [String] = []
    while let entry = try entries.next() {
      if let name = entry.name { names.append(name) }
    }
    return names
  }

  /// Creates a bucket row for every top-level directory whose name is a valid bucket name.
  private func createBucketRows(report: (RebuildEvent) -> Void) throws(LakeError) {
    let entries: DirectoryIterator
    do throws(Errno) {
      entries = try DirectoryIterator(directory: layout.root)
    } catch {
      throw error.lakeError("opendir", ".")
    }
    while true {
      let next: DirectoryIterator.Entry?
      do throws(Errno) {
        next = try entries.next()
      } catch {
        throw error.lakeError("readdir", ".")
      }
      guard let entry = next else { return }
      guard let name = entry.name else {
        report(.notABucket(name: entry.displayName, reason: "the name is not valid UTF-8"))
        continue
      }
      if name == DataLayout.metaName || name == DataLayout.lostAndFoundName { continue }
      guard entry.kind == .directory else {
        report(.notABucket(name: name, reason: "not a directory"))
        continue
      }
      do throws(LakeError) {
        try Self.validateBucketName(name)
      } catch {
        report(.notABucket(name: name, reason: "\(error)"))
        continue
      }
      _ = try createBucket(name)
      report(.bucket(name))
    }
  }
}
