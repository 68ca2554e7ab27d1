import LakeQuery

/// One column's statistics over one data file (`ducklake_file_column_stats`) or over a
/// table's live files (`ducklake_table_column_stats`), as typed values.
struct DuckLakeStatistics: Sendable, Equatable {
  var min: TypedValue?
  var max: TypedValue?
  /// Nulls and non-null values; nil when unknown.
  var nulls: Int64?
  var values: Int64?

  /// The statistics of `column` in `file`: from the index's column record, or for a
  /// partition column from the key's folder (the same value on every row).
  init(of column: DuckLakeColumnDefinition, in file: DuckLakeSourceFile) {
    let rows = file.rowCount ?? 0
    if column.isPartition {
      let value = DuckLakeText.partitionValue(
        file.path.value(of: column.name) ?? nil, type: column.type)
      min = value
      max = value
      nulls = value == nil ? rows : 0
      values = value == nil ? 0 : rows
      return
    }
    let stored = file.columns.first { $0.name == column.name }
    min = stored?.min
    max = stored?.max
    nulls = stored?.nullCount
    values = nulls.map { rows - $0 }
  }

  /// The statistics of `column` over `files`: a bound only when every file with values has
  /// one; nulls counted only when every file counts them.
  init(of column: DuckLakeColumnDefinition, over files: [DuckLakeSourceFile]) {
    let each = files.map { DuckLakeStatistics(of: column, in: $0) }
    let withValues = each.filter { $0.values != 0 }
    let mins = withValues.map(\.min)
    let maxes = withValues.map(\.max)
    min = mins.contains(nil) ? nil : mins.compactMap { $0 }.min()
    max = maxes.contains(nil) ? nil : maxes.compactMap { $0 }.max()
    let nullCounts = each.map(\.nulls)
    nulls = nullCounts.contains(nil) ? nil : nullCounts.compactMap { $0 }.reduce(0, +)
    let valueCounts = each.map(\.values)
    values = valueCounts.contains(nil) ? nil : valueCounts.compactMap { $0 }.reduce(0, +)
  }

  /// The bounds as DuckLake text for `column` (nil where not exact, see ``DuckLakeText``).
  func text(for column: DuckLakeColumnDefinition) -> (min: String?, max: String?) {
    (
      DuckLakeText.statistic(min, type: column.type, isPartition: column.isPartition),
      DuckLakeText.statistic(max, type: column.type, isPartition: column.isPartition)
    )
  }
}
