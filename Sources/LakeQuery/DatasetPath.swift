import LakeS3

/// One Hive-style partition value taken from a key: `year=2024` is `year` = `"2024"`.
public struct PartitionValue: Sendable, Hashable {
  /// The column name, percent-decoded.
  public var name: String
  /// The value, percent-decoded; `nil` for Hive's null marker, `__HIVE_DEFAULT_PARTITION__`.
  public var value: String?

  public init(name: String, value: String?) {
    self.name = name
    self.value = value
  }

  /// The value Hive, Spark and pyarrow write for a null partition value.
  public static let nullMarker = "__HIVE_DEFAULT_PARTITION__"
}

/// Where an object sits in the lake, from its key alone: its dataset and its partition values.
///
/// `sales/year=2024/month=05/part-0.csv` is dataset `sales` with `year` = `2024` and
/// `month` = `05`. The dataset is the key's prefix up to its first `name=value` folder, or the
/// file's folder when there is none (`logs/2024/app.log` is dataset `logs/2024`); `""` is the
/// bucket's root. Every `name=value` folder after the dataset is a partition value (folders
/// without `=` among them are skipped, a name seen twice keeps its first value); names and
/// values are percent-decoded as Hive escapes them (`%3A` is `:`; a name or value with a
/// malformed escape stays as written), and the file name never counts, even with an `=` in it.
public struct DatasetPath: Sendable, Hashable {
  /// The dataset: folders before the first partition folder, joined with `/`.
  public var dataset: String
  /// The partition values, in key order.
  public var partitions: [PartitionValue]
  /// The last segment of the key (empty for a key ending in `/`).
  public var fileName: String

  /// Parses `key`; any key is accepted.
  public init(key: String) {
    // On the key's UTF-8 bytes: query pages parse a thousand keys each, and splitting
    // Strings cost a third of such a page. `/` and `=` are ASCII, so every cut is at a
    // character boundary.
    var key = key
    (dataset, partitions, fileName) = key.withUTF8 { Self.parse($0) }
  }

  private static func parse(_ key: UnsafeBufferPointer<UInt8>) -> (
    String, [PartitionValue], String
  ) {
    let slash = UInt8(ascii: "/")
    let lastSlash = key.lastIndex(of: slash)
    let fileName = String(decoding: key[((lastSlash ?? -1) + 1)...], as: UTF8.self)
    guard let lastSlash else { return ("", [], fileName) }
    var partitions: [PartitionValue] = []
    var datasetEnd: Int?
    var start = 0
    while start <= lastSlash {
      let end = key[start...lastSlash].firstIndex(of: slash) ?? lastSlash
      if let partition = partition(in: UnsafeBufferPointer(rebasing: key[start..<end])) {
        if datasetEnd == nil { datasetEnd = start }
        if !partitions.contains(where: { $0.name == partition.name }) {
          partitions.append(partition)
        }
      }
      start = end + 1
    }
    // The folders before the first partition folder, without the `/` that ends them.
    let dataset = String(
      decoding: key[..<max(0, (datasetEnd ?? (lastSlash + 1)) - 1)], as: UTF8.self)
    return (dataset, partitions, fileName)
  }

  /// The partition value named `name`, if the key has one (`.some(nil)` for a null value).
  public func value(of name: String) -> String?? {
    partitions.first { $0.name == name }.map(\.value)
  }

  /// `name=value` of one folder, decoded; nil unless there is an `=` after a non-empty name.
  static func partition(in segment: UnsafeBufferPointer<UInt8>) -> PartitionValue? {
    guard let equals = segment.firstIndex(of: UInt8(ascii: "=")), equals > 0 else {
      return nil
    }
    let name = decoded(UnsafeBufferPointer(rebasing: segment[..<equals]))
    let value = decoded(UnsafeBufferPointer(rebasing: segment[(equals + 1)...]))
    return PartitionValue(name: name, value: value == PartitionValue.nullMarker ? nil : value)
  }

  /// Hive's escaping (`%XY`, no `+` for space) undone; text with a malformed escape, or that
  /// decodes to bytes that are not UTF-8, stays as written.
  private static func decoded(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let text = String(decoding: bytes, as: UTF8.self)
    guard bytes.contains(UInt8(ascii: "%")) else { return text }
    return URIEncoding.decode(text[...], plusIsSpace: false) ?? text
  }
}

extension DatasetPath {
  /// The key of a file in a Hive-partitioned dataset, for ingestion jobs:
  /// `key(dataset: "sales", partitions: [("year", "2024"), ("month", "05")], fileName:
  /// "part-0.parquet")` is `sales/year=2024/month=05/part-0.parquet`. Names and values are
  /// escaped as Hive escapes them (`%XX` for control characters and `"#%'*/:=?\{[]^`), a nil
  /// value is Hive's null marker, and ``init(key:)`` reads the key back to the same values.
  public static func key(
    dataset: String, partitions: [(name: String, value: String?)], fileName: String
  ) -> String {
    var segments: [String] = dataset.isEmpty ? [] : [dataset]
    for (name, value) in partitions {
      segments.append(
        hiveEscaped(name) + "=" + (value.map(hiveEscaped) ?? PartitionValue.nullMarker))
    }
    segments.append(fileName)
    return segments.joined(separator: "/")
  }

  /// `text` with the characters Hive escapes in partition paths written `%XX`.
  static func hiveEscaped(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      if scalar.value < 0x20 || scalar.value == 0x7F
        || "\"#%'*/:=?\\{[]^".unicodeScalars.contains(scalar)
      {
        out += "%" + String(format2Hex: UInt8(scalar.value))
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}

extension String {
  /// Two uppercase hexadecimal digits.
  fileprivate init(format2Hex byte: UInt8) {
    let digits = Array("0123456789ABCDEF")
    self = String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
  }
}
