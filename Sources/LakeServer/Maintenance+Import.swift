import Foundation
import LakeCore
import Logging

extension Maintenance {
  /// How `lakestore import` brings files in (see `ImportMode`).
  public enum ImportHow: String, Sendable {
    case copy, move
    case inPlace = "in-place"
  }

  /// What the `lakestore import` verb asks for.
  public struct ImportRequest: Sendable {
    public var source: String
    public var bucket: String
    public var how: ImportHow
    public var prefix: String
    public var overwrite: Bool
    public var createBucket: Bool
    public var jobs: Int

    public init(
      source: String, bucket: String, how: ImportHow, prefix: String, overwrite: Bool,
      createBucket: Bool, jobs: Int
    ) {
      self.source = source
      self.bucket = bucket
      self.how = how
      self.prefix = prefix
      self.overwrite = overwrite
      self.createBucket = createBucket
      self.jobs = jobs
    }
  }

  /// Imports a directory tree into a bucket of the configuration's data directory
  /// (``LakeStore/importTree(from:bucket:options:report:progress:)``), then waits for the
  /// indexer to record the new objects (interrupting that wait loses nothing: the server
  /// carries on at its next start). `output` gets one line per file left alone and a summary
  /// line; `status` gets a progress line about once a second (files, bytes, rates) while
  /// importing and indexing. Returns how many files were skipped or failed. Throws
  /// `LakeError` when the store cannot be opened, the bucket is missing (without
  /// `createBucket`), or the import cannot go on.
  public static func importTree(
    configuration: ServerConfiguration, _ request: ImportRequest, logger: Logger,
    output: @escaping @Sendable (String) -> Void, status: @escaping @Sendable (String) -> Void
  ) throws -> Int {
    let store = try LakeStore(
      dataDirectory: configuration.dataDirectory, options: storeOptions(configuration),
      logger: logger)
    defer { store.close() }
    if request.createBucket, try store.createBucket(request.bucket) {
      output("created bucket \(request.bucket)")
    }
    if !request.createBucket, (try? store.bucketInfo(request.bucket)) == nil {
      throw ConfigurationError(
        "there is no bucket \(request.bucket) (create it, or pass --create-bucket)")
    }
    let mode: ImportMode
    switch request.how {
    case .copy: mode = .copy
    case .move: mode = .move
    case .inPlace: mode = .inPlace
    }
    let meter = ProgressMeter()
    let totals = try store.importTree(
      from: request.source, bucket: request.bucket,
      options: ImportOptions(
        mode: mode, prefix: request.prefix, overwrite: request.overwrite, jobs: request.jobs),
      report: { event in output(describe(event)) },
      progress: { totals in
        if let line = meter.line(totals) { status(line) }
      })
    output(
      "imported \(totals.imported) file(s), \(totals.bytes) bytes into \(request.bucket) in "
        + "\(ProgressMeter.seconds(meter.elapsed)): \(totals.existing) already there, "
        + "\(totals.skipped) skipped, \(totals.failed) failed")
    if configuration.catalogIndex { try waitForIndex(store, status: status) }
    return totals.skipped + totals.failed
  }

  /// Waits until the index (and the DuckLake views) cover every change, with a progress
  /// line on `status` about once a second.
  static func waitForIndex(_ store: LakeStore, status: (String) -> Void) throws {
    let target = try store.latestSequence()
    let start = Date()
    while try !store.waitForDuckLake(timeout: 1) {
      let indexed = try store.indexedSequence()
      status(
        "indexing: \(max(0, indexed)) of \(target) changes "
          + "(\(ProgressMeter.seconds(Date().timeIntervalSince(start))))")
    }
  }

  static func describe(_ event: ImportEvent) -> String {
    switch event {
    case .exists(let path, let key):
      return
        "exists: \(path): key \(key) already has an object (left alone; --overwrite replaces it)"
    case .skipped(let path, let reason): return "skipped: \(path): \(reason)"
    case .failed(let path, let reason): return "failed: \(path): \(reason)"
    case .overflowed(let path, let key):
      return
        "stored in the overflow area: \(path) as \(key) (its path conflicts with the bucket's tree)"
    }
  }
}

/// Turns running import totals into a progress line at most once a second. Called one call
/// at a time (the import serialises its progress callbacks).
final class ProgressMeter: @unchecked Sendable {
  private let start = Date()
  private var last = Date()

  var elapsed: TimeInterval { Date().timeIntervalSince(start) }

  /// A line when a second has passed since the last one, else nil.
  func line(_ totals: ImportProgress) -> String? {
    let now = Date()
    guard now.timeIntervalSince(last) >= 1 else { return nil }
    last = now
    let seconds = max(now.timeIntervalSince(start), 0.001)
    let rate = Double(totals.handled) / seconds
    let bytes = Double(totals.bytes) / seconds
    return "import: \(totals.handled) file(s) handled, \(totals.imported) imported, "
      + "\(Self.size(totals.bytes)); \(Int(rate)) files/s, \(Self.size(Int64(bytes)))/s"
  }

  static func size(_ bytes: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
  }

  static func seconds(_ interval: TimeInterval) -> String {
    String(format: "%.1f s", interval)
  }
}
