import Foundation
import LakeQuery
import XCTest

@testable import LakeCore

/// Catalog queries: partition predicates compared by the partition's type, column predicates
/// that prune by min/max, built-in fields, order, pagination and errors.
final class CatalogQueryTests: XCTestCase {
  private struct Part {
    var key: String
    var year: Int
    var month: Int
    var size: Int
    /// amount ranges over month*10 ... month*10+5.
    var minAmount: Int { month * 10 }
    var maxAmount: Int { month * 10 + 5 }
  }

  private var parts: [Part] = []

  /// 2 years x 12 months x 2 files of CSV, month folders written `01`...`12`, and some logs.
  private func makeLake() throws -> LakeStore {
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    parts = []
    for year in [2023, 2024] {
      for month in 1...12 {
        for index in 0..<2 {
          let key = String(format: "sales/year=%d/month=%02d/part-%d.csv", year, month, index)
          var text = "id,amount\n"
          for row in 0..<(1 + index + month % 3) {
            text += "\(row),\(month * 10 + (row == 0 ? 0 : 5))\n"
          }
          if index == 0 { text += "99,\(month * 10 + 5)\n" }
          try put(store, "lake", key, text)
          parts.append(Part(key: key, year: year, month: month, size: text.utf8.count))
        }
      }
    }
    try put(store, "lake", "logs/app.log", "started\nstopped\n")
    XCTAssertTrue(try store.waitForIndex(timeout: 60))
    return store
  }

  private func keys(
    _ store: LakeStore, _ filter: String?, dataset: String? = "sales", prefix: String? = nil,
    order: String? = nil, pageSize: Int = 1000
  ) throws -> [String] {
    var query = LakeQuery(
      dataset: dataset, prefix: prefix, filter: try filter.map { try LakeFilter(parsing: $0) })
    if let order { query.order = try LakeOrder.parse(order) }
    var found: [String] = []
    while true {
      let page = try store.lakeQuery(bucket: "lake", query, limit: pageSize)
      found += page.matches.map(\.file.key)
      guard let next = page.next else { return found }
      query.after = next
    }
  }

  func test_partition_predicates_compare_by_the_partitions_type() throws {
    let store = try makeLake()
    XCTAssertEqual(
      try keys(store, "year=2024 AND month>=05"),
      parts.filter { $0.year == 2024 && $0.month >= 5 }.map(\.key).sorted())
    XCTAssertEqual(
      try keys(store, "month IN (1, 12) AND NOT year = 2023"),
      parts.filter { [1, 12].contains($0.month) && $0.year == 2024 }.map(\.key).sorted())
    XCTAssertEqual(
      try keys(store, "month BETWEEN 3 AND 4 OR month > 11"),
      parts.filter { (3...4).contains($0.month) || $0.month > 11 }.map(\.key).sorted())
    XCTAssertEqual(try keys(store, "partition.month = 7", dataset: nil).count, 4)
    XCTAssertThrowsError(try keys(store, "month = may")) { error in
      XCTAssertTrue("\(error)".contains("'may'"), "\(error)")
    }
  }

  /// A text partition column whose values partly read as numbers (`05`, `5`, `10`) compares
  /// as text: equal spellings of one number are different values, ranges follow text order,
  /// whether the condition is sought through the partition index or only filtered.
  func test_text_partitions_that_look_like_numbers_compare_as_text() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("lake")
    let codes = ["05", "5", "10", "abc", "x"]
    for code in codes {
      for part in [1, 2] {
        try put(store, "lake", "codes/code=\(code)/part=\(part)/a.csv", "id\n1\n")
      }
    }
    XCTAssertTrue(try store.waitForIndex(timeout: 60))
    func codesFound(_ filter: String) throws -> [String] {
      try keys(store, filter, dataset: "codes").map { key in
        String(key.split(separator: "/")[1].dropFirst("code=".count))
      }
    }
    let expected: [(String, [String])] = [
      ("code = '05'", ["05", "05"]),
      ("code = 5", ["5", "5"]),
      ("code = 05 AND part = 1", ["05"]),
      ("code IN ('05', 'x') AND part = 2", ["05", "x"]),
      ("code >= '10' AND code < 'b'", ["10", "10", "5", "5", "abc", "abc"]),
      ("code > '4' AND part = 1", ["5", "abc", "x"]),
      ("code BETWEEN '0' AND '1' AND part = 1", ["05"]),
      ("NOT code = '5' AND part = 1", ["05", "10", "abc", "x"]),
    ]
    for (filter, found) in expected {
      XCTAssertEqual(try codesFound(filter), found, filter)
    }
  }

  /// `amount > 100` keeps exactly the files whose max(amount) > 100; its negation keeps the
  /// files whose min(amount) <= 100, not the complement.
  func test_column_predicates_prune_by_min_and_max() throws {
    let store = try makeLake()
    XCTAssertEqual(
      try keys(store, "amount > 100"), parts.filter { $0.maxAmount > 100 }.map(\.key).sorted())
    XCTAssertEqual(
      try keys(store, "NOT amount > 100"),
      parts.filter { $0.minAmount <= 100 }.map(\.key).sorted())
    XCTAssertEqual(
      try keys(store, "amount = 72"),
      parts.filter { (70...75).contains(72) && $0.month == 7 }.map(\.key).sorted())
    XCTAssertEqual(try keys(store, "amount = 71 AND year = 2024").count, 2)  // min 70, max 75
    XCTAssertEqual(try keys(store, "amount > 100 AND missing_column > 1"), [])
    XCTAssertEqual(try keys(store, "amount IS NULL"), [])
  }

  func test_built_in_fields_order_and_pagination() throws {
    let store = try makeLake()
    XCTAssertEqual(try keys(store, "format = csv", dataset: nil).count, parts.count)
    XCTAssertEqual(try keys(store, "format = unstructured", dataset: nil), ["logs/app.log"])
    XCTAssertEqual(
      try keys(store, "key LIKE 'sales/year=2023/month=1_/%'"),
      parts.filter { $0.year == 2023 && $0.month >= 10 }.map(\.key).sorted())
    XCTAssertEqual(
      try keys(store, "size >= 40 AND rows < 3"),
      parts.filter { $0.size >= 40 }.filter { _ in true }.map(\.key).sorted().filter { key in
        (try? store.lakeFile(bucket: "lake", key: key)?.rowCount ?? 0).map { $0 < 3 } ?? false
      })
    XCTAssertEqual(try keys(store, nil, dataset: nil, prefix: "logs/"), ["logs/app.log"])

    let bySize = parts.sorted { ($0.size, $0.key) > ($1.size, $1.key) }.map(\.key)
    XCTAssertEqual(try keys(store, nil, order: "size desc", pageSize: 7), bySize)
    XCTAssertEqual(
      try keys(store, "year = 2024", pageSize: 5),
      parts.filter { $0.year == 2024 }.map(\.key).sorted())
    XCTAssertEqual(
      try keys(store, "year = 2024 AND month >= 05 AND amount > 60", pageSize: 3),
      parts.filter { $0.year == 2024 && $0.month >= 5 && $0.maxAmount > 60 }.map(\.key).sorted())
    XCTAssertThrowsError(try keys(store, nil, order: "amount"))
    var query = LakeQuery(dataset: "sales")
    query.after = "not a token"
    XCTAssertThrowsError(try store.lakeQuery(bucket: "lake", query, limit: 10))
  }

  /// A dataset query with a partition equality is driven from the partition index in key
  /// order: no scan of the dataset and no sort, whatever its size.
  func test_partition_equality_queries_seek_the_partition_index() throws {
    let store = try makeLake()
    let types = try store.catalog.read { (connection) throws(LakeError) in
      try Catalog.scopePartitionTypes(bucket: "lake", dataset: "sales", on: connection)
    }
    let plan = try LakeQueryPlan(
      bucket: "lake",
      LakeQuery(dataset: "sales", filter: LakeFilter(parsing: "year=2024 AND amount > 3")),
      partitionTypes: types, limit: 10)
    let steps = try store.catalog.read { (connection) throws(LakeError) -> [String] in
      try connection.run("EXPLAIN QUERY PLAN " + plan.sql) { (statement) throws(LakeError) in
        for (index, value) in plan.parameters.enumerated() {
          switch value {
          case .integer(let number): try statement.bind(Int32(index + 1), number)
          case .real(let number): try statement.bind(Int32(index + 1), number)
          case .text(let text): try statement.bind(Int32(index + 1), text)
          case .bytes(let bytes): try statement.bindText(Int32(index + 1), bytes: bytes)
          }
        }
        var rows: [String] = []
        while try statement.step() { rows.append(statement.text(3)) }
        return rows
      }
    }
    XCTAssertTrue(steps.contains { $0.contains("lake_partitions_by_sort") }, "\(steps)")
    XCTAssertFalse(steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
  }

  /// Conjunctions of partition conditions (equalities, IN lists, ranges) are answered by a
  /// leapfrog over the partition index: the SQLite work of a page follows its matches, not
  /// the dataset's size (SQLite's own counters, not wall time).
  func test_partition_conjunctions_cost_the_same_at_any_dataset_size() throws {
    var costs: [Int] = []
    for files in [6_720, 67_200] {
      var options = StoreOptions()
      options.indexing = false
      let (store, _) = try makeStore(options: options)
      _ = try store.createBucket("big")
      let perDay = files / 1344
      let keys = (0..<files).map { index in
        let year = 2021 + index / (336 * perDay)
        let month = (index / (28 * perDay)) % 12 + 1
        let day = (index / perDay) % 28 + 1
        return String(format: "t/year=%d/month=%02d/day=%02d/f-%06d", year, month, day, index)
      }
      let sequences = try store.catalog.write { (connection) throws(LakeError) -> [Int64] in
        var sequences: [Int64] = []
        for key in keys {
          sequences.append(
            try Catalog.upsertObject(
              ObjectInfo(
                bucket: "big", key: key, size: 10, etag: "e", lastModified: Date(),
                metadata: ObjectMetadata(), storagePath: "big/" + key, sequence: 0),
              on: connection
            ).sequence)
        }
        return sequences
      }
      try store.catalog.writeIndex { (connection) throws(LakeError) in
        var totals = IndexTotals()
        for (key, sequence) in zip(keys, sequences) {
          try Catalog.replaceIndexRows(
            LakeFileInfo(
              bucket: "big", key: key, sequence: sequence, path: DatasetPath(key: key),
              size: 10, format: FormatGuess(format: .parquet, gzip: false, contentType: "x"),
              status: .indexed, rowCount: 1),
            totals: &totals, on: connection)
        }
        try totals.apply(on: connection)
      }
      let before = store.catalogStatistics().virtualMachineSteps
      let page = try store.lakeQuery(
        bucket: "big",
        LakeQuery(
          dataset: "t", filter: LakeFilter(parsing: "year=2024 AND month>=06 AND day IN (14, 15)")),
        limit: 100)
      costs.append(store.catalogStatistics().virtualMachineSteps - before)
      // Files per day x 2 days x 7 months of 2024, at most a page.
      XCTAssertEqual(page.matches.count, min(100, files / 1344 * 2 * 7))
      for match in page.matches {
        let path = DatasetPath(key: match.file.key)
        XCTAssertEqual(path.value(of: "year"), "2024")
        XCTAssertGreaterThanOrEqual(Int(path.value(of: "month")!!)!, 6)
        XCTAssertTrue(["14", "15"].contains(path.value(of: "day")), match.file.key)
      }
      XCTAssertEqual(page.matches.map(\.file.key), page.matches.map(\.file.key).sorted())
    }
    XCTAssertLessThan(costs[1], costs[0] * 3 / 2, "10x the files: \(costs)")
  }
}
