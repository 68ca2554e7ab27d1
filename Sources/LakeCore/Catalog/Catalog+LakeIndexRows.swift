import Foundation
import LakeQuery

/// How one partition value counts toward its column's type (`lake_partition_columns`): the
/// column is an integer, decimal, date or timestamp column while every non-null value parses
/// as one (``PartitionType/infer(_:)``, kept as running tallies so no query scans values).
struct PartitionTally: Equatable {
  var null = 0
  var integer = 0
  var decimal = 0
  var date = 0
  var timestamp = 0

  init(_ value: String?) {
    guard let value else {
      null = 1
      return
    }
    if PartitionType.integer.parse(value) != nil { integer = 1 }
    if PartitionType.decimal.parse(value) != nil { decimal = 1 }
    if PartitionType.date.parse(value) != nil { date = 1 }
    if PartitionType.timestamp.parse(value) != nil { timestamp = 1 }
  }

  /// The value's typed sort key: the number for a numeric value, microseconds since the
  /// epoch for a date or timestamp, nil otherwise. A column's values are all numeric or all
  /// temporal whenever it has a numeric or temporal type.
  static func typedKey(_ value: String?) -> TypedValue? {
    guard let value else { return nil }
    if let number = PartitionType.integer.parse(value) { return number }
    if let number = PartitionType.decimal.parse(value) { return number }
    return PartitionType.timestamp.parse(value)
  }

  /// The value's place in `lake_partition_values.sort` and `lake_partitions.sort`: its typed
  /// sort key, or the value itself when it has none ('' for Hive's null in
  /// `lake_partition_values`, where `is_null` sorts it last; `lake_partitions` keeps NULL).
  static func sortKey(_ value: String?) -> TypedValue {
    typedKey(value) ?? .string(value ?? "")
  }
}

extension Catalog {
  /// Records the file's index rows in place of the key's earlier ones, if any; its dataset
  /// totals and partition tallies go to `totals`, which the caller applies once for the
  /// whole batch. The file row goes in first: only when the key has one already (an
  /// overwrite) are its old rows read and removed, so a new key costs no lookup of its own.
  static func replaceIndexRows(
    _ file: LakeFileInfo, totals: inout IndexTotals, on connection: SQLiteConnection
  ) throws(LakeError) {
    let bucket = file.bucket
    let dataset = file.path.dataset
    let schema = file.columns.isEmpty ? nil : schemaText(file.columns)
    if try !insertFileRow(file, schema: schema, on: connection) {
      try removeIndexRows(bucket: bucket, key: file.key, totals: &totals, on: connection)
      guard try insertFileRow(file, schema: schema, on: connection) else {
        throw .catalog("index row of \(bucket)/\(file.key) is still there after its removal")
      }
    }
    totals.add(
      bucket: bucket, dataset: dataset, files: 1, bytes: file.size, rows: file.rowCount ?? 0)
    if let schema { totals.add(bucket: bucket, dataset: dataset, schema: schema, files: 1) }
    for (position, partition) in file.path.partitions.enumerated() {
      try connection.update(
        """
        INSERT INTO lake_partitions (bucket, key, name, position, dataset, value, sort)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, bucket)
        try statement.bind(2, file.key)
        try statement.bind(3, partition.name)
        try statement.bind(4, Int64(position))
        try statement.bind(5, dataset)
        try statement.bind(6, partition.value)
        try statement.bind(7, partition.value.map { PartitionTally.sortKey($0) })
      }
      totals.add(
        bucket: bucket, dataset: dataset, column: partition.name, position: Int64(position),
        PartitionTally(partition.value), sign: 1)
      totals.add(
        bucket: bucket, dataset: dataset, column: partition.name, value: partition.value,
        files: 1, bytes: file.size)
    }
    // Up to `columnRowsPerInsert` columns per statement: one statement for most files.
    var start = 0
    while start < file.columns.count {
      let count = min(columnRowsPerInsert, file.columns.count - start)
      try connection.update(insertColumnsSQL[count - 1]) { (statement) throws(LakeError) in
        for row in 0..<count {
          let column = file.columns[start + row]
          let base = Int32(row * 9)
          try statement.bind(base + 1, bucket)
          try statement.bind(base + 2, file.key)
          try statement.bind(base + 3, Int64(start + row))
          try statement.bind(base + 4, column.name)
          try statement.bind(base + 5, column.type)
          try statement.bind(base + 6, column.min)
          try statement.bind(base + 7, column.max)
          try statement.bind(base + 8, column.nullCount)
          try statement.bind(base + 9, ColumnValueKind(typeName: column.type).name)
        }
      }
      start += count
    }
  }

  /// Inserts the file's `lake_files` row; false (and nothing written) when the key has one.
  private static func insertFileRow(
    _ file: LakeFileInfo, schema: String?, on connection: SQLiteConnection
  ) throws(LakeError) -> Bool {
    try connection.update(
      """
      INSERT INTO lake_files (bucket, key, seq, dataset, size, format, compression, content_type,
        status, reason, row_count, schema, indexed_ms)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
      ON CONFLICT (bucket, key) DO NOTHING
      """
    ) { (statement) throws(LakeError) in
      try statement.bind(1, file.bucket)
      try statement.bind(2, file.key)
      try statement.bind(3, file.sequence)
      try statement.bind(4, file.path.dataset)
      try statement.bind(5, file.size)
      try statement.bind(6, file.format.format.rawValue)
      try statement.bind(7, file.format.gzip ? "gzip" : nil)
      try statement.bind(8, file.format.contentType)
      try statement.bind(9, file.status.rawValue)
      try statement.bind(10, file.reason)
      try statement.bind(11, file.rowCount)
      try statement.bind(12, schema)
      try statement.bind(13, Milliseconds.now())
    }
    return connection.changes > 0
  }

  private static let columnRowsPerInsert = 16

  /// `INSERT INTO lake_columns` of 1...`columnRowsPerInsert` rows of 9 parameters each.
  private static let insertColumnsSQL: [String] = (1...columnRowsPerInsert).map { rows in
    let values = (0..<rows).map { row in
      "(" + (1...9).map { "?\(row * 9 + $0)" }.joined(separator: ", ") + ")"
    }
    return """
      INSERT INTO lake_columns (bucket, key, position, name, type, min_value, max_value,
        null_count, kind)
      VALUES \(values.joined(separator: ", "))
      """
  }

  /// Deletes the key's index rows and takes them out of the dataset's totals and tallies.
  static func removeIndexRows(
    bucket: String, key: String, totals: inout IndexTotals, on connection: SQLiteConnection
  ) throws(LakeError) {
    let found = try connection.run(
      "SELECT dataset, size, row_count, schema FROM lake_files WHERE bucket = ?1 AND key = ?2"
    ) { (statement) throws(LakeError) -> (String, Int64, Int64, String?)? in
      try statement.bind(1, bucket)
      try statement.bind(2, key)
      guard try statement.step() else { return nil }
      return (
        statement.text(0), statement.int64(1), statement.optionalInt64(2) ?? 0,
        statement.optionalText(3)
      )
    }
    guard let (dataset, size, rows, schema) = found else { return }
    totals.add(bucket: bucket, dataset: dataset, files: -1, bytes: -size, rows: -rows)
    if let schema { totals.add(bucket: bucket, dataset: dataset, schema: schema, files: -1) }
    let partitions = try connection.run(
      "SELECT name, value FROM lake_partitions WHERE bucket = ?1 AND key = ?2"
    ) { (statement) throws(LakeError) -> [PartitionValue] in
      try statement.bind(1, bucket)
      try statement.bind(2, key)
      var values: [PartitionValue] = []
      while try statement.step() {
        values.append(PartitionValue(name: statement.text(0), value: statement.optionalText(1)))
      }
      return values
    }
    for partition in partitions {
      totals.add(
        bucket: bucket, dataset: dataset, column: partition.name, position: .max,
        PartitionTally(partition.value), sign: -1)
      totals.add(
        bucket: bucket, dataset: dataset, column: partition.name, value: partition.value,
        files: -1, bytes: -size)
    }
    for table in ["lake_partitions", "lake_columns", "lake_files"] {
      try connection.update("DELETE FROM \(table) WHERE bucket = ?1 AND key = ?2") {
        (statement) throws(LakeError) in
        try statement.bind(1, bucket)
        try statement.bind(2, key)
      }
    }
  }

  /// The columns as a JSON array of `[name, type]` pairs: one text per distinct schema, so
  /// files of a dataset group by it (schema drift).
  static func schemaText(_ columns: [LakeColumn]) -> String {
    var writer = JSONWriter()
    writer.openArray()
    for column in columns {
      writer.openArray()
      writer.string(column.name)
      writer.string(column.type)
      writer.closeArray()
    }
    writer.closeArray()
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}

extension SQLiteStatement {
  /// Binds a typed value as SQLite orders it: integers, dates (days) and timestamps
  /// (microseconds) as INTEGER, decimals as REAL, strings as TEXT; nil as NULL.
  func bind(_ index: Int32, _ value: TypedValue?) throws(LakeError) {
    switch value {
    case nil: try bindNull(index)
    case .integer(let number)?, .date(let number)?, .timestamp(let number)?:
      try bind(index, number)
    case .decimal(let number)?: try bind(index, number)
    case .string(let text)?: try bind(index, text)
    }
  }
}

/// What a batch of index changes does to dataset totals and partition-column tallies,
/// gathered in memory and applied once per dataset and column when the batch commits.
struct IndexTotals {
  private struct DatasetKey: Hashable {
    var bucket: String
    var dataset: String
  }

  private struct ColumnKey: Hashable {
    var bucket: String
    var dataset: String
    var name: String
  }

  private struct ValueKey: Hashable {
    var column: ColumnKey
    var value: String?
  }

  private struct SchemaKey: Hashable {
    var bucket: String
    var dataset: String
    var schema: String
  }

  /// files, bytes, rows
  private var datasets: [DatasetKey: [Int64]] = [:]
  /// position (smallest), files, nulls, integers, decimals, dates, timestamps
  private var columns: [ColumnKey: [Int64]] = [:]
  /// files, bytes
  private var values: [ValueKey: (files: Int64, bytes: Int64)] = [:]
  private var schemas: [SchemaKey: Int64] = [:]

  /// Adds or takes away files and bytes of one partition value (nil: Hive's null).
  mutating func add(
    bucket: String, dataset: String, column: String, value: String?, files: Int64, bytes: Int64
  ) {
    let key = ValueKey(
      column: ColumnKey(bucket: bucket, dataset: dataset, name: column), value: value)
    let totals = values[key] ?? (0, 0)
    values[key] = (totals.files + files, totals.bytes + bytes)
  }

  /// Adds or takes away files of one schema (``Catalog/schemaText(_:)``) of a dataset.
  mutating func add(bucket: String, dataset: String, schema: String, files: Int64) {
    schemas[SchemaKey(bucket: bucket, dataset: dataset, schema: schema), default: 0] += files
  }

  mutating func add(bucket: String, dataset: String, files: Int64, bytes: Int64, rows: Int64) {
    let key = DatasetKey(bucket: bucket, dataset: dataset)
    let totals = datasets[key] ?? [0, 0, 0]
    datasets[key] = [totals[0] + files, totals[1] + bytes, totals[2] + rows]
  }

  /// Adds (`sign` 1) or takes away (-1) one file's value of a partition column; `position`
  /// is where the column sits in that file's key (the column keeps its smallest).
  mutating func add(
    bucket: String, dataset: String, column: String, position: Int64, _ tally: PartitionTally,
    sign: Int64
  ) {
    let key = ColumnKey(bucket: bucket, dataset: dataset, name: column)
    var totals = columns[key] ?? [.max, 0, 0, 0, 0, 0, 0]
    totals[0] = min(totals[0], position)
    let counts = [1, tally.null, tally.integer, tally.decimal, tally.date, tally.timestamp]
    for (index, count) in counts.enumerated() { totals[index + 1] += sign * Int64(count) }
    columns[key] = totals
  }

  /// Writes the gathered changes: one upsert per dataset and per column, and the rows that
  /// count no file any more deleted.
  func apply(on connection: SQLiteConnection) throws(LakeError) {
    for (key, totals) in datasets {
      try connection.update(
        """
        INSERT INTO lake_datasets (bucket, dataset, files, bytes, rows) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (bucket, dataset) DO UPDATE SET files = files + excluded.files,
          bytes = bytes + excluded.bytes, rows = rows + excluded.rows
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, key.bucket)
        try statement.bind(2, key.dataset)
        try statement.bind(3, totals[0])
        try statement.bind(4, totals[1])
        try statement.bind(5, totals[2])
      }
      if totals[0] < 0 {
        try connection.update(
          "DELETE FROM lake_datasets WHERE bucket = ?1 AND dataset = ?2 AND files <= 0"
        ) { (statement) throws(LakeError) in
          try statement.bind(1, key.bucket)
          try statement.bind(2, key.dataset)
        }
      }
    }
    for (key, totals) in columns {
      try connection.update(
        """
        INSERT INTO lake_partition_columns
          (bucket, dataset, name, position, files, nulls, integers, decimals, dates, timestamps)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        ON CONFLICT (bucket, dataset, name) DO UPDATE SET
          position = min(position, excluded.position), files = files + excluded.files,
          nulls = nulls + excluded.nulls, integers = integers + excluded.integers,
          decimals = decimals + excluded.decimals, dates = dates + excluded.dates,
          timestamps = timestamps + excluded.timestamps
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, key.bucket)
        try statement.bind(2, key.dataset)
        try statement.bind(3, key.name)
        for (index, value) in totals.enumerated() { try statement.bind(Int32(index + 4), value) }
      }
      if totals[1] < 0 {
        try connection.update(
          """
          DELETE FROM lake_partition_columns
          WHERE bucket = ?1 AND dataset = ?2 AND name = ?3 AND files <= 0
          """
        ) { (statement) throws(LakeError) in
          try statement.bind(1, key.bucket)
          try statement.bind(2, key.dataset)
          try statement.bind(3, key.name)
        }
      }
    }
    try applyValues(on: connection)
    try applySchemas(on: connection)
  }

  private func applyValues(on connection: SQLiteConnection) throws(LakeError) {
    for (key, totals) in values where totals.files != 0 || totals.bytes != 0 {
      let column = key.column
      try connection.update(
        """
        INSERT INTO lake_partition_values
          (bucket, dataset, name, is_null, value, sort, files, bytes)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        ON CONFLICT (bucket, dataset, name, is_null, value) DO UPDATE SET
          files = files + excluded.files, bytes = bytes + excluded.bytes
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, column.bucket)
        try statement.bind(2, column.dataset)
        try statement.bind(3, column.name)
        try statement.bind(4, Int64(key.value == nil ? 1 : 0))
        try statement.bind(5, key.value ?? "")
        try statement.bind(6, PartitionTally.sortKey(key.value))
        try statement.bind(7, totals.files)
        try statement.bind(8, totals.bytes)
      }
      if totals.files < 0 {
        try connection.update(
          """
          DELETE FROM lake_partition_values WHERE bucket = ?1 AND dataset = ?2 AND name = ?3
            AND is_null = ?4 AND value = ?5 AND files <= 0
          """
        ) { (statement) throws(LakeError) in
          try statement.bind(1, column.bucket)
          try statement.bind(2, column.dataset)
          try statement.bind(3, column.name)
          try statement.bind(4, Int64(key.value == nil ? 1 : 0))
          try statement.bind(5, key.value ?? "")
        }
      }
    }
  }

  private func applySchemas(on connection: SQLiteConnection) throws(LakeError) {
    for (key, files) in schemas where files != 0 {
      try connection.update(
        """
        INSERT INTO lake_schemas (bucket, dataset, schema, files) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (bucket, dataset, schema) DO UPDATE SET files = files + excluded.files
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, key.bucket)
        try statement.bind(2, key.dataset)
        try statement.bind(3, key.schema)
        try statement.bind(4, files)
      }
      if files < 0 {
        try connection.update(
          """
          DELETE FROM lake_schemas
          WHERE bucket = ?1 AND dataset = ?2 AND schema = ?3 AND files <= 0
          """
        ) { (statement) throws(LakeError) in
          try statement.bind(1, key.bucket)
          try statement.bind(2, key.dataset)
          try statement.bind(3, key.schema)
        }
      }
    }
  }
}
