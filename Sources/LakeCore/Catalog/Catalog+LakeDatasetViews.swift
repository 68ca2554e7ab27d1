import Foundation
import LakeQuery

/// One distinct value of a partition column with the files and bytes that have it.
public struct PartitionValueInfo: Sendable, Equatable {
  /// The decoded value; nil for Hive's null (`__HIVE_DEFAULT_PARTITION__`).
  public var value: String?
  public var files: Int64
  public var bytes: Int64

  public init(value: String?, files: Int64, bytes: Int64) {
    self.value = value
    self.files = files
    self.bytes = bytes
  }
}

/// A page of one partition column's distinct values, in the column's order (numbers and
/// times by value, then text, Hive's null last).
public struct PartitionValuesPage: Sendable, Equatable {
  public var column: PartitionColumn
  public var values: [PartitionValueInfo]
  /// The `after` of the next page: the last value returned, when there may be more.
  public var next: PartitionValueCursor?
}

/// Where a page of partition values ends: the last value returned (nil: Hive's null).
public struct PartitionValueCursor: Sendable, Equatable {
  public var value: String?

  public init(value: String?) {
    self.value = value
  }
}

/// One distinct schema of a dataset's structured files, with how many files have it.
public struct LakeSchemaVariant: Sendable, Equatable {
  /// The columns' names and types, in file order.
  public var columns: [(name: String, type: String)]
  public var files: Int64

  public init(columns: [(name: String, type: String)], files: Int64) {
    self.columns = columns
    self.files = files
  }

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.files == rhs.files && lhs.columns.elementsEqual(rhs.columns) { $0 == $1 }
  }
}

extension Catalog {
  /// Up to `limit` distinct values of each of the dataset's partition columns (only
  /// `column` when given), continuing after `after` (for `column` only); empty when the
  /// dataset has no such column.
  func lakePartitionValues(
    bucket: String, dataset: String, column: String?, after: PartitionValueCursor?, limit: Int
  ) throws(LakeError) -> [PartitionValuesPage] {
    try read { (connection) throws(LakeError) -> [PartitionValuesPage] in
      try connection.update("BEGIN")
      defer { try? connection.update("COMMIT") }
      let columns = try Self.partitionColumns(bucket: bucket, dataset: dataset, on: connection)
        .filter { column == nil || $0.name == column }
      var pages: [PartitionValuesPage] = []
      for partition in columns {
        let values = try Self.partitionValues(
          bucket: bucket, dataset: dataset, column: partition.name, after: after,
          limit: limit + 1, on: connection)
        let more = values.count > limit
        let page = Array(values.prefix(limit))
        pages.append(
          PartitionValuesPage(
            column: partition, values: page,
            next: more ? page.last.map { PartitionValueCursor(value: $0.value) } : nil))
      }
      return pages
    }
  }

  private static func partitionValues(
    bucket: String, dataset: String, column: String, after: PartitionValueCursor?, limit: Int,
    on connection: SQLiteConnection
  ) throws(LakeError) -> [PartitionValueInfo] {
    // Rows compare as (is_null, sort, value): the cursor's are derived from its value alone.
    let seek = after == nil ? "" : "AND (is_null, sort, value) > (?4, ?5, ?6)"
    return try connection.run(
      """
      SELECT is_null, value, files, bytes FROM lake_partition_values
      WHERE bucket = ?1 AND dataset = ?2 AND name = ?3 \(seek)
      ORDER BY is_null, sort, value LIMIT ?7
      """
    ) { (statement) throws(LakeError) -> [PartitionValueInfo] in
      try statement.bind(1, bucket)
      try statement.bind(2, dataset)
      try statement.bind(3, column)
      if let after {
        try statement.bind(4, Int64(after.value == nil ? 1 : 0))
        try statement.bind(5, PartitionTally.sortKey(after.value))
        try statement.bind(6, after.value ?? "")
      }
      try statement.bind(7, Int64(limit))
      var values: [PartitionValueInfo] = []
      while try statement.step() {
        values.append(
          PartitionValueInfo(
            value: statement.int64(0) == 1 ? nil : statement.text(1),
            files: statement.int64(2), bytes: statement.int64(3)))
      }
      return values
    }
  }

  /// The dataset's distinct schemas, most files first (ties by schema text).
  func lakeSchemas(bucket: String, dataset: String) throws(LakeError) -> [LakeSchemaVariant] {
    try read { (connection) throws(LakeError) -> [LakeSchemaVariant] in
      try connection.run(
        """
        SELECT schema, files FROM lake_schemas WHERE bucket = ?1 AND dataset = ?2
        ORDER BY files DESC, schema
        """
      ) { (statement) throws(LakeError) -> [LakeSchemaVariant] in
        try statement.bind(1, bucket)
        try statement.bind(2, dataset)
        var variants: [LakeSchemaVariant] = []
        while try statement.step() {
          let pairs =
            (try? JSONDecoder().decode([[String]].self, from: Data(statement.text(0).utf8))) ?? []
          variants.append(
            LakeSchemaVariant(
              columns: pairs.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil },
              files: statement.int64(1)))
        }
        return variants
      }
    }
  }
}
