import LakeQuery

/// A dataset's totals, kept up to date by the indexer.
public struct LakeDatasetInfo: Sendable, Equatable {
  public var bucket: String
  /// The dataset's path in the bucket (`sales`, `logs/app`; "" for files at the root).
  public var name: String
  public var files: Int64
  public var bytes: Int64
  /// The sum of the row counts the index knows.
  public var rows: Int64
  /// The partition columns and the type their values compare as.
  public var partitionColumns: [PartitionColumn]

  public init(
    bucket: String, name: String, files: Int64, bytes: Int64, rows: Int64,
    partitionColumns: [PartitionColumn]
  ) {
    self.bucket = bucket
    self.name = name
    self.files = files
    self.bytes = bytes
    self.rows = rows
    self.partitionColumns = partitionColumns
  }
}

/// A Hive partition column of a dataset.
public struct PartitionColumn: Sendable, Equatable {
  public var name: String
  /// The narrowest type every non-null value parses as (``PartitionType/infer(_:)``).
  public var type: PartitionType
  /// Files with a value for the column, and how many of those are Hive's null marker.
  public var files: Int64
  public var nulls: Int64

  public init(name: String, type: PartitionType, files: Int64, nulls: Int64) {
    self.name = name
    self.type = type
    self.files = files
    self.nulls = nulls
  }
}

extension PartitionColumn {
  /// The column's type from its tallies: the first of integer, decimal, date and timestamp
  /// that every non-null value reads as (``PartitionType/infer(_:)``), else string.
  static func type(
    files: Int64, nulls: Int64, counts: (Int64, Int64, Int64, Int64)
  ) -> PartitionType {
    let values = files - nulls
    guard values > 0 else { return .string }
    if counts.0 == values { return .integer }
    if counts.1 == values { return .decimal }
    if counts.2 == values { return .date }
    if counts.3 == values { return .timestamp }
    return .string
  }
}

extension Catalog {
  /// The `lake_files` columns ``lakeFileRecord(_:from:bucket:key:)`` reads, in its order,
  /// each prefixed with `table.` when given.
  static func lakeFileColumns(table: String? = nil) -> String {
    let prefix = table.map { $0 + "." } ?? ""
    return [
      "seq", "dataset", "size", "format", "compression", "content_type", "status", "reason",
      "row_count",
    ].map { prefix + $0 }.joined(separator: ", ")
  }

  /// The record (without its columns) in the row's ``lakeFileColumns(table:)`` from column
  /// `first` on.
  static func lakeFileRecord(
    _ statement: SQLiteStatement, from first: Int32, bucket: String, key: String
  ) -> LakeFileInfo {
    let format = FormatGuess(
      format: DataFormat(rawValue: statement.text(first + 3)) ?? .unstructured,
      gzip: statement.optionalText(first + 4) == "gzip", contentType: statement.text(first + 5))
    return LakeFileInfo(
      bucket: bucket, key: key, sequence: statement.int64(first), path: DatasetPath(key: key),
      size: statement.int64(first + 2), format: format,
      status: LakeFileInfo.Status(rawValue: statement.text(first + 6)) ?? .unparsed,
      reason: statement.optionalText(first + 7), rowCount: statement.optionalInt64(first + 8))
  }

  /// The index's record of the key, or nil when it has none (yet).
  func lakeFile(bucket: String, key: String) throws(LakeError) -> LakeFileInfo? {
    try read { (connection) throws(LakeError) -> LakeFileInfo? in
      let found = try connection.run(
        "SELECT \(Self.lakeFileColumns()) FROM lake_files WHERE bucket = ?1 AND key = ?2"
      ) { (statement) throws(LakeError) -> LakeFileInfo? in
        try statement.bind(1, bucket)
        try statement.bind(2, key)
        guard try statement.step() else { return nil }
        return Self.lakeFileRecord(statement, from: 0, bucket: bucket, key: key)
      }
      guard var file = found else { return nil }
      file.columns = try Self.columns(bucket: bucket, key: key, on: connection)
      return file
    }
  }

  /// The bucket's datasets in name order, with their partition columns.
  func lakeDatasets(bucket: String) throws(LakeError) -> [LakeDatasetInfo] {
    try read { (connection) throws(LakeError) -> [LakeDatasetInfo] in
      var datasets = try connection.run(
        "SELECT dataset, files, bytes, rows FROM lake_datasets WHERE bucket = ?1 ORDER BY dataset"
      ) { (statement) throws(LakeError) -> [LakeDatasetInfo] in
        try statement.bind(1, bucket)
        var datasets: [LakeDatasetInfo] = []
        while try statement.step() {
          datasets.append(
            LakeDatasetInfo(
              bucket: bucket, name: statement.text(0), files: statement.int64(1),
              bytes: statement.int64(2), rows: statement.int64(3), partitionColumns: []))
        }
        return datasets
      }
      for index in datasets.indices {
        datasets[index].partitionColumns = try Self.partitionColumns(
          bucket: bucket, dataset: datasets[index].name, on: connection)
      }
      return datasets
    }
  }

  /// The dataset's partition columns, in the order of its keys' folders.
  static func partitionColumns(bucket: String, dataset: String, on connection: SQLiteConnection)
    throws(LakeError) -> [PartitionColumn]
  {
    try connection.run(
      """
      SELECT name, files, nulls, integers, decimals, dates, timestamps
      FROM lake_partition_columns WHERE bucket = ?1 AND dataset = ?2 ORDER BY position, name
      """
    ) { (statement) throws(LakeError) -> [PartitionColumn] in
      try statement.bind(1, bucket)
      try statement.bind(2, dataset)
      var columns: [PartitionColumn] = []
      while try statement.step() {
        let files = statement.int64(1)
        let nulls = statement.int64(2)
        let type = PartitionColumn.type(
          files: files, nulls: nulls,
          counts: (statement.int64(3), statement.int64(4), statement.int64(5), statement.int64(6)))
        columns.append(
          PartitionColumn(name: statement.text(0), type: type, files: files, nulls: nulls))
      }
      return columns
    }
  }
}

extension SQLiteStatement {
  /// A statistic stored by `bind(_:_: TypedValue?)`, read back by the column's type.
  func typedValue(_ column: Int32, type: String) -> TypedValue? {
    if isNull(column) { return nil }
    if isInteger(column) {
      let number = int64(column)
      switch ColumnValueKind(typeName: type) {
      case .date: return .date(number)
      case .timestamp: return .timestamp(number)
      default: return .integer(number)
      }
    }
    if isReal(column) { return .decimal(double(column)) }
    return .string(text(column))
  }
}
