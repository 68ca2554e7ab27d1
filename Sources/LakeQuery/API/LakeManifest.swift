/// A manifest's format: JSON lines (one ``LakeFileDocument`` per line) or CSV.
public enum LakeManifestFormat: String, Sendable, CaseIterable {
  case jsonl
  case csv

  /// The media type of a manifest in this format.
  public var contentType: String {
    switch self {
    case .jsonl: "application/x-ndjson"
    case .csv: "text/csv; charset=utf-8"
    }
  }
}

/// Writes manifest lines: the files of a dataset or a query with key, size, ETag, partition
/// values, row count and column statistics, for Spark, Trino or DuckDB to read.
///
/// A CSV manifest has fixed columns (`key`, `size`, `etag`, `modified`, `dataset`, `format`,
/// `compression`, `status`, `reason`, `rows`). For one dataset (`partitions` and `columns`
/// given) one column per partition column follows, then `NAME.min`, `NAME.max` and
/// `NAME.nulls` per data column; otherwise a `partitions` and a `columns` column hold them
/// as JSON. Empty cells are absent values (also Hive's null).
public struct LakeManifestWriter: Sendable {
  public var format: LakeManifestFormat
  /// The dataset's partition and data column names; nil writes them as JSON cells.
  public var partitions: [String]?
  public var columns: [String]?

  static let fixed = [
    "key", "size", "etag", "modified", "dataset", "format", "compression", "status", "reason",
    "rows",
  ]

  public init(format: LakeManifestFormat, partitions: [String]? = nil, columns: [String]? = nil) {
    self.format = format
    self.partitions = partitions
    self.columns = columns
  }

  /// The header line (CSV), or nothing (JSON lines).
  public func header() -> [UInt8] {
    guard format == .csv else { return [] }
    var names = Self.fixed
    if let partitions { names += partitions } else { names.append("partitions") }
    if let columns {
      for name in columns { names += ["\(name).min", "\(name).max", "\(name).nulls"] }
    } else {
      names.append("columns")
    }
    return Self.csvLine(names)
  }

  /// The file's line, ending in `\n`.
  public func line(_ file: LakeFileDocument) -> [UInt8] {
    guard format == .csv else { return file.json() + [UInt8(ascii: "\n")] }
    var cells: [String?] = [
      file.key, String(file.size), file.etag, file.modified, file.dataset, file.format,
      file.compression, file.status, file.reason, file.rows.map { String($0) },
    ]
    if let partitions {
      for name in partitions {
        cells.append(file.partitions.first { $0.name == name }?.value)
      }
    } else {
      var writer = JSONWriter()
      writer.array(file.partitions)
      cells.append(String(decoding: writer.bytes, as: UTF8.self))
    }
    if let columns {
      for name in columns {
        let column = file.columns?.first { $0.name == name }
        cells += [column?.min, column?.max, column?.nulls.map { String($0) }]
      }
    } else if let columns = file.columns {
      var writer = JSONWriter()
      writer.array(columns)
      cells.append(String(decoding: writer.bytes, as: UTF8.self))
    } else {
      cells.append(nil)
    }
    return Self.csvLine(cells)
  }

  /// One CSV record (RFC 4180): a cell with a comma, quote or line break is quoted, its
  /// quotes doubled; nil is an empty cell.
  static func csvLine(_ cells: [String?]) -> [UInt8] {
    var bytes: [UInt8] = []
    for (index, cell) in cells.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      guard let cell else { continue }
      let utf8 = Array(cell.utf8)
      let quote = utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
      guard quote else {
        bytes += utf8
        continue
      }
      bytes.append(0x22)
      for byte in utf8 {
        if byte == 0x22 { bytes.append(0x22) }
        bytes.append(byte)
      }
      bytes.append(0x22)
    }
    bytes.append(UInt8(ascii: "\n"))
    return bytes
  }
}
