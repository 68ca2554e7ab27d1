import Foundation
import LakeCore
import Logging

extension Maintenance {
  /// Rebuilds the catalog of the configuration's data directory from its files
  /// (``LakeStore/rebuildCatalog(dataDirectory:options:logger:force:report:)``), then waits
  /// for the indexer to record every object (interrupting that wait loses nothing). `output`
  /// gets a line per step, per finding and a summary; `status` a progress line about once a
  /// second while indexing. Returns how many problems were left unfixed (files that could
  /// not be adopted nor moved, entries that are not buckets).
  public static func rebuildCatalog(
    configuration: ServerConfiguration, force: Bool, logger: Logger,
    output: (String) -> Void, status: (String) -> Void
  ) throws -> Int {
    var buckets = 0
    var notBuckets = 0
    let (store, summary) = try LakeStore.rebuildCatalog(
      dataDirectory: configuration.dataDirectory, options: storeOptions(configuration),
      logger: logger, force: force
    ) { event in
      switch event {
      case .movedAside(let path):
        output("moved the old catalog, index and DuckLake views to \(path)")
      case .bucket(let name):
        buckets += 1
        output("bucket \(name)")
      case .notABucket(let name, let reason):
        notBuckets += 1
        output("not a bucket, left alone: \(name) (\(reason))")
      case .finding(let finding):
        // Top-level entries that are not buckets were reported above.
        if case .unknownTopLevelEntry = finding.problem { return }
        if case .adopted = finding.repair { return }  // counted in the summary
        output(describe(finding))
      }
    }
    defer { store.close() }
    output(
      "rebuilt the catalog: \(buckets) bucket(s), \(summary.adopted) object(s) registered, "
        + "\(summary.repaired - summary.adopted) file(s) moved to .lakestore/lost+found")
    if configuration.catalogIndex { try waitForIndex(store, status: status) }
    return summary.problems - summary.repaired - notBuckets
  }
}
