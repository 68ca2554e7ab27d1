import LakeQuery

/// One Parquet object of a dataset as the index describes it: what the DuckLake view needs to
/// list it as a data file, or to say why it cannot.
struct DuckLakeSourceFile: Sendable, Equatable {
  var key: String
  /// The object version the index describes.
  var sequence: Int64
  var status: LakeFileInfo.Status
  var reason: String?
  var rowCount: Int64?
  var size: Int64
  /// Whether the object is a plain file at `<data>/<bucket>/<key>` (not in the overflow area).
  var isPlainFile: Bool
  /// Whether the key's current object row is the version the index describes (false while
  /// the indexer has not caught up with an overwrite).
  var isCurrent: Bool
  var columns: [LakeColumn]
  /// The key's dataset and Hive partition values.
  var path: DatasetPath

  init(
    key: String, sequence: Int64, status: LakeFileInfo.Status = .indexed, reason: String? = nil,
    rowCount: Int64?, size: Int64, isPlainFile: Bool = true, isCurrent: Bool = true,
    columns: [LakeColumn]
  ) {
    self.key = key
    self.sequence = sequence
    self.status = status
    self.reason = reason
    self.rowCount = rowCount
    self.size = size
    self.isPlainFile = isPlainFile
    self.isCurrent = isCurrent
    self.columns = columns
    self.path = DatasetPath(key: key)
  }
}

/// What the index holds for some datasets of a bucket, read in one transaction.
struct DuckLakeSource: Sendable {
  /// The change sequence number the index was complete up to when read.
  var indexed: Int64
  /// The Parquet files of each dataset read (datasets without any are absent).
  var datasets: [String: [DuckLakeSourceFile]]
}

extension Catalog {
  /// The Parquet files of `bucket` in `datasets` (every dataset when nil), with their columns,
  /// and the index position, read in one read transaction so they agree.
  func duckLakeSource(bucket: String, datasets: Set<String>?) throws(LakeError) -> DuckLakeSource {
    try read { (connection) throws(LakeError) -> DuckLakeSource in
      try connection.execute("BEGIN")
      defer { try? connection.execute("COMMIT") }
      let indexed = try connection.scalar("SELECT indexed_seq FROM lake_state WHERE id = 1") ?? 0
      var source = DuckLakeSource(indexed: indexed, datasets: [:])
      let names: [String?] = datasets.map { $0.sorted() } ?? [nil]
      for dataset in names {
        let files = try Self.duckLakeFiles(bucket: bucket, dataset: dataset, on: connection)
        for file in files { source.datasets[file.path.dataset, default: []].append(file) }
      }
      return source
    }
  }

  /// The Parquet files of one dataset (all of the bucket's when nil), in key order.
  private static func duckLakeFiles(
    bucket: String, dataset: String?, on connection: SQLiteConnection
  ) throws(LakeError) -> [DuckLakeSourceFile] {
    let filter = dataset == nil ? "" : " AND f.dataset = ?2"
    var files = try connection.run(
      """
      SELECT f.key, f.seq, f.status, f.reason, f.row_count, f.size, o.storage_path, o.seq
      FROM lake_files f LEFT JOIN objects o ON o.bucket = f.bucket AND o.key = f.key
      WHERE f.bucket = ?1 AND f.format = 'parquet'\(filter) ORDER BY f.key
      """
    ) { (statement) throws(LakeError) -> [DuckLakeSourceFile] in
      try statement.bind(1, bucket)
      if let dataset { try statement.bind(2, dataset) }
      var files: [DuckLakeSourceFile] = []
      while try statement.step() {
        let key = statement.text(0)
        let sequence = statement.int64(1)
        files.append(
          DuckLakeSourceFile(
            key: key, sequence: sequence,
            status: LakeFileInfo.Status(rawValue: statement.text(2)) ?? .unparsed,
            reason: statement.optionalText(3), rowCount: statement.optionalInt64(4),
            size: statement.int64(5),
            isPlainFile: statement.optionalText(6) == bucket + "/" + key,
            isCurrent: statement.optionalInt64(7) == sequence, columns: []))
      }
      return files
    }
    let columns = try connection.run(
      """
      SELECT c.key, c.name, c.type, c.min_value, c.max_value, c.null_count
      FROM lake_columns c JOIN lake_files f ON f.bucket = c.bucket AND f.key = c.key
      WHERE f.bucket = ?1 AND f.format = 'parquet'\(filter) ORDER BY c.key, c.position
      """
    ) { (statement) throws(LakeError) -> [String: [LakeColumn]] in
      try statement.bind(1, bucket)
      if let dataset { try statement.bind(2, dataset) }
      var columns: [String: [LakeColumn]] = [:]
      while try statement.step() {
        let type = statement.text(2)
        columns[statement.text(0), default: []].append(
          LakeColumn(
            name: statement.text(1), type: type, min: statement.typedValue(3, type: type),
            max: statement.typedValue(4, type: type), nullCount: statement.optionalInt64(5)))
      }
      return columns
    }
    for index in files.indices { files[index].columns = columns[files[index].key] ?? [] }
    return files
  }
}

extension Catalog {
  /// The sequence number of the bucket's last change up to `sequence`, 0 when none.
  func lastChange(bucket: String, upTo sequence: Int64) throws(LakeError) -> Int64 {
    try read { (connection) throws(LakeError) -> Int64 in
      try connection.run("SELECT max(seq) FROM changes WHERE bucket = ?1 AND seq <= ?2") {
        (statement) throws(LakeError) -> Int64 in
        try statement.bind(1, bucket)
        try statement.bind(2, sequence)
        return try statement.step() ? statement.int64(0) : 0
      }
    }
  }
}

extension Catalog {
  /// Those of `keys` whose indexed version is a Parquet file, read in one transaction (not
  /// one per key).
  func parquetKeys(bucket: String, among keys: Set<String>) throws(LakeError) -> Set<String> {
    try read { (connection) throws(LakeError) -> Set<String> in
      try connection.update("BEGIN")
      defer { try? connection.update("COMMIT") }
      var found: Set<String> = []
      for key in keys {
        let format = try connection.run(
          "SELECT format FROM lake_files WHERE bucket = ?1 AND key = ?2"
        ) { (statement) throws(LakeError) -> String? in
          try statement.bind(1, bucket)
          try statement.bind(2, key)
          return try statement.step() ? statement.text(0) : nil
        }
        if format == DataFormat.parquet.rawValue { found.insert(key) }
      }
      return found
    }
  }
}
