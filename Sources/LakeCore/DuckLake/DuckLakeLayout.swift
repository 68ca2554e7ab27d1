import LakeQuery

/// What a Parquet file contributes to a table's shape: its columns (name and DuckLake type)
/// and the names of the Hive partition folders of its key that are not stored in the file.
/// Files of one table share one layout; column order may differ (DuckDB maps by name).
struct DuckLakeLayout: Sendable, Equatable {
  /// Why a file cannot be listed at all.
  struct Problem: Error, Equatable {
    var reason: String
  }

  /// The columns in the file's order.
  var fileColumns: [(String, String)]
  /// The partition names in key order.
  var partitions: [String]
  /// Identifies the layout: the columns by name, then the partitions in order.
  var key: String

  init(fileColumns: [(String, String)], partitions: [String]) {
    self.fileColumns = fileColumns
    self.partitions = partitions
    key =
      fileColumns.map { "\($0.0)\t\($0.1)" }.sorted().joined(separator: "\n") + "\n|"
      + partitions.joined(separator: "/")
  }

  /// The layout of a table with `columns`.
  init(_ columns: [DuckLakeColumnDefinition]) {
    self.init(
      fileColumns: columns.filter { !$0.isPartition }.map { ($0.name, $0.type) },
      partitions: columns.filter(\.isPartition).map(\.name))
  }

  static func == (lhs: DuckLakeLayout, rhs: DuckLakeLayout) -> Bool { lhs.key == rhs.key }

  /// The file's layout, or why DuckDB could not read it through the view.
  static func of(_ file: DuckLakeSourceFile) -> Result<DuckLakeLayout, Problem> {
    if file.status != .indexed {
      return .failure(Problem(reason: "not readable as Parquet: \(file.reason ?? "unknown")"))
    }
    guard file.rowCount != nil else { return .failure(Problem(reason: "its row count is unknown")) }
    guard file.isPlainFile else {
      return .failure(
        Problem(
          reason: "stored in the overflow area (its key is not a plain path), so it has no path"
            + " DuckDB could read"))
    }
    if file.columns.isEmpty { return .failure(Problem(reason: "it has no columns")) }
    var seen: [String: String] = [:]
    for column in file.columns {
      if column.name.contains(".") {
        return .failure(
          Problem(reason: "nested column '\(column.name)': the view lists flat columns only"))
      }
      if column.type == "unknown" {
        return .failure(Problem(reason: "column '\(column.name)' has a type DuckLake cannot name"))
      }
      if let other = seen.updateValue(column.name, forKey: column.name.lowercased()) {
        return .failure(
          Problem(reason: "columns '\(other)' and '\(column.name)' collide (DuckDB ignores case)"))
      }
    }
    var partitions: [String] = []
    for name in rawPartitionNames(file.key, dataset: file.path.dataset) {
      if seen[name.lowercased()] != nil { continue }  // stored in the file: read from there
      if let other = seen.updateValue(name, forKey: name.lowercased()) {
        return .failure(
          Problem(reason: "partition folders '\(other)' and '\(name)' of the key collide"))
      }
      partitions.append(name)
    }
    let names = partitions.map { name in
      file.path.partitions.first { $0.name == name } != nil
    }
    guard !names.contains(false) else {
      return .failure(Problem(reason: "its partition folder names need percent-decoding"))
    }
    return .success(
      DuckLakeLayout(fileColumns: file.columns.map { ($0.name, $0.type) }, partitions: partitions))
  }

  /// The names of the key's `name=value` folders after the dataset, as written.
  private static func rawPartitionNames(_ key: String, dataset: String) -> [String] {
    var rest = key.dropFirst(dataset.isEmpty ? 0 : dataset.utf8.count + 1)
    guard let slash = rest.lastIndex(of: "/") else { return [] }
    rest = rest[..<slash]
    return rest.split(separator: "/").compactMap { segment in
      guard let equals = segment.firstIndex(of: "="), equals != segment.startIndex else {
        return nil
      }
      return String(segment[..<equals])
    }
  }

  /// How this layout differs from the table's, briefly.
  func difference(_ table: DuckLakeLayout) -> String {
    var parts: [String] = []
    let mine = Dictionary(fileColumns, uniquingKeysWith: { first, _ in first })
    let theirs = Dictionary(table.fileColumns, uniquingKeysWith: { first, _ in first })
    for (name, type) in table.fileColumns {
      guard let own = mine[name] else {
        parts.append("lacks column '\(name)'")
        continue
      }
      if own != type { parts.append("column '\(name)' is \(own), not \(type)") }
    }
    for (name, _) in fileColumns where theirs[name] == nil {
      parts.append("has an extra column '\(name)'")
    }
    if partitions != table.partitions {
      parts.append(
        "partition folders (\(partitions.joined(separator: ", "))), not"
          + " (\(table.partitions.joined(separator: ", ")))")
    }
    let text = parts.prefix(5).joined(separator: "; ")
    return parts.count > 5 ? text + "; …" : text
  }
}
