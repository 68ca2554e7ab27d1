import XCTest

@testable import LakeCore

/// A page must cost a bounded number of index seeks and rows, whatever the bucket holds.
/// Asserted with SQLite's own counters, not wall time.
final class ListingScaleTests: XCTestCase {
  private static let perPrefix = 34_000

  /// 102,000 rows under 3 prefixes, inserted straight into the catalog (no files needed, so
  /// no indexer: its work would show in the counters).
  private func bigStore() throws -> LakeStore {
    var options = StoreOptions()
    options.indexing = false
    let (store, _) = try makeStore(options: options)
    _ = try store.createBucket("big")
    try store.catalog.write { (connection) throws(LakeError) in
      for prefix in ["logs/", "metrics/", "traces/"] {
        for index in 0..<Self.perPrefix {
          let key = prefix + "day=\(index / 1000)/part-\(index).json"
          _ = try Catalog.upsertObject(
            ObjectInfo(
              bucket: "big", key: key, size: 1, etag: "e", lastModified: Date(),
              metadata: ObjectMetadata(), storagePath: "big/" + key, sequence: 0),
            on: connection)
        }
      }
    }
    return store
  }

  private func cost(_ store: LakeStore, _ body: () throws -> Void) rethrows -> CatalogStatistics {
    let before = store.catalogStatistics()
    try body()
    let after = store.catalogStatistics()
    return CatalogStatistics(
      queries: after.queries - before.queries, steps: after.steps - before.steps,
      virtualMachineSteps: after.virtualMachineSteps - before.virtualMachineSteps)
  }

  func testDelimiterListingSeeksPastCommonPrefixes() throws {
    let store = try bigStore()
    var page = ListPage(entries: [], isTruncated: true)
    let spent = try cost(store) {
      page = try store.listObjects(
        bucket: "big", prefix: "", delimiter: "/", after: nil, maxKeys: 1000)
    }
    XCTAssertEqual(
      page.entries, [.commonPrefix("logs/"), .commonPrefix("metrics/"), .commonPrefix("traces/")])
    XCTAssertFalse(page.isTruncated)
    XCTAssertLessThanOrEqual(spent.queries, 10, "\(spent)")
    XCTAssertLessThanOrEqual(spent.steps, 10, "\(spent)")
    XCTAssertLessThan(
      spent.virtualMachineSteps, 2_000, "a scan of 102k rows would take millions: \(spent)")

    // One level down: 34 day=N/ prefixes under metrics/, then continue after one of them.
    let days = try cost(store) {
      page = try store.listObjects(
        bucket: "big", prefix: "metrics/", delimiter: "/", after: "metrics/day=20/part-20500.json",
        maxKeys: 5)
    }
    XCTAssertEqual(
      page.entries.map(\.name),
      [
        "metrics/day=21/", "metrics/day=22/", "metrics/day=23/", "metrics/day=24/",
        "metrics/day=25/",
      ])
    XCTAssertTrue(page.isTruncated)
    XCTAssertLessThanOrEqual(days.queries, 12, "\(days)")
    XCTAssertLessThan(days.virtualMachineSteps, 3_000, "\(days)")
  }

  func testFlatPageReadsOnlyItsRows() throws {
    let store = try bigStore()
    var page = ListPage(entries: [], isTruncated: false)
    let spent = try cost(store) {
      page = try store.listObjects(
        bucket: "big", prefix: "traces/", delimiter: nil, after: "traces/day=30/part-30000.json",
        maxKeys: 100)
    }
    XCTAssertEqual(page.entries.count, 100)
    XCTAssertTrue(page.isTruncated)
    XCTAssertLessThanOrEqual(spent.steps, 110, "\(spent)")
    XCTAssertLessThan(spent.virtualMachineSteps, 20_000, "\(spent)")
  }
}
