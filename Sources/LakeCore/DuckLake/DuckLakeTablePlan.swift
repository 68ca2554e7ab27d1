import LakeQuery

/// A column of a view table: read from the files, or (`isPartition`) from the Hive folders of
/// their keys, as `ducklake_add_data_files(..., hive_partitioning => true)` records them.
struct DuckLakeColumnDefinition: Sendable, Equatable {
  var name: String
  /// The DuckLake type name (`int64`, `varchar`, `decimal(10,2)`…).
  var type: String
  var isPartition: Bool
}

/// The table a dataset shows as, and which of its Parquet files it lists: a pure function of
/// the index's records (and of the table's current columns, which it keeps while any file
/// still has them).
struct DuckLakeTablePlan: Sendable, Equatable {
  /// A file left out of the view, and why.
  struct Exclusion: Sendable, Equatable {
    var key: String
    var sequence: Int64
    var reason: String
  }

  var dataset: String
  /// `main.<name>`: the dataset path with `/` as `__`; the bucket's root is `_root`.
  var tableName: String
  /// The columns; empty when the dataset has no file to list (then it has no table).
  var columns: [DuckLakeColumnDefinition]
  var files: [DuckLakeSourceFile]
  var excluded: [Exclusion]

  /// The table name of `dataset`.
  static func tableName(for dataset: String) -> String {
    dataset.isEmpty ? "_root" : dataset.replacingOccurrences(of: "/", with: "__")
  }

  /// The columns as one text, to tell whether a table's definition changed.
  static func definitionText(_ columns: [DuckLakeColumnDefinition]) -> String {
    columns.map { "\($0.name)\t\($0.type)\t\($0.isPartition ? "p" : "f")" }
      .joined(separator: "\n")
  }

  /// Plans `dataset` from its Parquet `files`; `current` are the columns of its table in the
  /// view, if it has one. The table takes the layout (file columns and partition folders)
  /// of `current` while a file has it, else the one most files share (ties: the layout of
  /// the oldest file). Files that are not current versions (the indexer has not caught up
  /// with an overwrite or delete yet) are left out without a report.
  init(dataset: String, files: [DuckLakeSourceFile], current: [DuckLakeColumnDefinition]?) {
    self.dataset = dataset
    tableName = Self.tableName(for: dataset)
    columns = []
    self.files = []
    excluded = []
    var candidates: [(file: DuckLakeSourceFile, layout: DuckLakeLayout)] = []
    for file in files where file.isCurrent {
      switch DuckLakeLayout.of(file) {
      case .success(let layout): candidates.append((file, layout))
      case .failure(let problem):
        excluded.append(Exclusion(key: file.key, sequence: file.sequence, reason: problem.reason))
      }
    }
    guard let chosen = Self.choose(candidates, current: current.map(DuckLakeLayout.init)) else {
      return
    }
    let name = tableName
    for (file, layout) in candidates {
      if layout.key == chosen.key {
        self.files.append(file)
      } else {
        let reason = "its layout does not fit table main.\(name): " + layout.difference(chosen)
        excluded.append(Exclusion(key: file.key, sequence: file.sequence, reason: reason))
      }
    }
    excluded.sort { $0.key < $1.key }
    columns = chosen.fileColumns.map {
      DuckLakeColumnDefinition(name: $0.0, type: $0.1, isPartition: false)
    }
    for partition in chosen.partitions {
      let values = self.files.compactMap { $0.path.value(of: partition) ?? nil }
      columns.append(
        DuckLakeColumnDefinition(
          name: partition, type: Self.partitionType(values), isPartition: true))
    }
  }

  private static func choose(
    _ candidates: [(file: DuckLakeSourceFile, layout: DuckLakeLayout)], current: DuckLakeLayout?
  ) -> DuckLakeLayout? {
    if let current, candidates.contains(where: { $0.layout.key == current.key }) {
      return candidates.first { $0.layout.key == current.key }?.layout
    }
    var tally: [String: (count: Int, oldest: Int64, layout: DuckLakeLayout)] = [:]
    for (file, layout) in candidates {
      let entry = tally[layout.key] ?? (0, file.sequence, layout)
      tally[layout.key] = (entry.count + 1, min(entry.oldest, file.sequence), entry.layout)
    }
    return tally.values.max { ($0.count, -$0.oldest) < ($1.count, -$1.oldest) }?.layout
  }

  /// The DuckLake type of a partition column with these (non-null) values: `int64`,
  /// `float64`, `date`, `timestamp` when every value reads as one the way DuckDB casts it,
  /// else `varchar` (also for timestamps with a UTC offset, which DuckDB's TIMESTAMP cast
  /// would drop).
  static func partitionType(_ values: [String]) -> String {
    switch PartitionType.infer(values) {
    case .integer: return "int64"
    case .decimal: return "float64"
    case .date: return "date"
    case .timestamp:
      return values.allSatisfy(isPlainTimestamp) ? "timestamp" : "varchar"
    case .string: return "varchar"
    }
  }

  /// `YYYY-MM-DD`, `T` or a blank, `HH:MM:SS`, an optional fraction and an optional `Z`.
  private static func isPlainTimestamp(_ value: String) -> Bool {
    let bytes = Array(value.utf8)
    guard bytes.count >= 19, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
      bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
    else { return false }
    var rest = bytes[19...]
    if rest.last == UInt8(ascii: "Z") { rest = rest.dropLast() }
    if rest.isEmpty { return true }
    return rest.first == UInt8(ascii: ".") && rest.count > 1
      && rest.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
  }
}
