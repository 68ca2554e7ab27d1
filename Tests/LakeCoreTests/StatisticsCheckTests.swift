import Foundation
import LakeQuery
import XCTest

@testable import LakeCore

/// `fsck --statistics`: every indexed object's file is examined again and compared with its
/// index record; a record that differs (or is missing) is reported, and repair rewrites it.
final class StatisticsCheckTests: XCTestCase {
  private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/parquet")

  private func fsck(_ store: LakeStore, repair: Bool = false) throws -> (
    [FsckFinding], FsckSummary
  ) {
    var findings: [FsckFinding] = []
    let summary = try store.fsck(FsckOptions(repair: repair, statistics: true)) {
      findings.append($0)
    }
    return (findings, summary)
  }

  private func filled() throws -> LakeStore {
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    try put(
      store, "lake", "sales/year=2024/a.csv", "id,amount,day\n1,10.5,2024-05-01\n2,,2024-05-02\n")
    try put(
      store, "lake", "events/b.jsonl", "{\"n\": 1, \"s\": \"x\"}\n{\"n\": 2.5, \"s\": null}\n")
    try put(store, "lake", "broken.csv", "a,b\n1\n")
    try put(store, "lake", "notes.txt", "words\n")
    for name in ["typed", "mixed", "allnull", "nostats", "wide_decimal", "nested"] {
      let bytes = [UInt8](
        try Data(contentsOf: Self.fixtures.appendingPathComponent(name + ".parquet")))
      try put(store, "lake", "pq/\(name).parquet", bytes)
    }
    XCTAssertTrue(try store.waitForIndex(timeout: 30))
    return store
  }

  func testFreshlyIndexedObjectsAgreeWithTheirFiles() throws {
    let store = try filled()
    let (findings, summary) = try fsck(store)
    XCTAssertEqual(findings, [])
    XCTAssertEqual(summary.statisticsChecked, 10)
    XCTAssertEqual(summary.statisticsPending, 0)
  }

  func testADamagedRecordIsReportedAndRewritten() throws {
    let store = try filled()
    let key = "sales/year=2024/a.csv"
    try store.catalog.writeIndex { (connection) throws(LakeError) in
      try connection.execute(
        """
        UPDATE lake_files SET row_count = 99 WHERE key = 'sales/year=2024/a.csv';
        UPDATE lake_datasets SET rows = rows + 97 WHERE dataset = 'sales';
        UPDATE lake_columns SET max_value = 7 WHERE key = 'events/b.jsonl' AND name = 'n';
        DELETE FROM lake_files WHERE key = 'notes.txt';
        """)
    }
    let (report, _) = try fsck(store)
    XCTAssertEqual(
      Set(report.map(\.problem)),
      [
        .statisticsMismatch(bucket: "lake", key: key, detail: "row count: index 99, file 2"),
        .statisticsMismatch(
          bucket: "lake", key: "events/b.jsonl", detail: "column n: max index 7, file 2.5"),
        .statisticsMismatch(
          bucket: "lake", key: "notes.txt",
          detail: "the index has no record of this version, though it is past it"),
      ])
    XCTAssertTrue(report.allSatisfy { $0.repair == .none })
    XCTAssertEqual(try store.lakeFile(bucket: "lake", key: key)?.rowCount, 99, "report only")

    let (repaired, summary) = try fsck(store, repair: true)
    XCTAssertEqual(repaired.map(\.repair), [.reindexed, .reindexed, .reindexed])
    XCTAssertEqual(summary.repaired, 3)
    XCTAssertEqual(try store.lakeFile(bucket: "lake", key: key)?.rowCount, 2)
    XCTAssertEqual(
      try store.lakeDatasets(bucket: "lake").first { $0.name == "sales" }?.rows, 2,
      "the dataset totals follow the rewritten record")
    XCTAssertEqual(try store.lakeFile(bucket: "lake", key: "notes.txt")?.status, .unstructured)
    XCTAssertEqual(try fsck(store).0, [])
  }
}
