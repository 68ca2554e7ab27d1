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
/// values are percent-decoded as Hive escapes them (`%3A` is `:`), and the file name never
/// counts, even with an `=` in it.
public struct DatasetPath: Sendable, Hashable {
  /// The dataset: folders before the first partition folder, joined with `/`.
  public var dataset: String
  /// The partition values, in key order.
  public var partitions: [PartitionValue]
  /// The last segment of the key (empty for a key ending in `/`).
  public var fileName: String

  /// Parses `key`; any key is accepted.
  public init(key: String) {
    var segments = key.split(separator: "/", omittingEmptySubsequences: false)
    fileName = String(segments.removeLast())
    let first = segments.firstIndex { Self.partition(in: $0) != nil }
    dataset = segments[..<(first ?? segments.endIndex)].joined(separator: "/")
    partitions = []
    guard let first else { return }
    var seen: Set<String> = []
    for segment in segments[first...] {
      guard let partition = Self.partition(in: segment), seen.insert(partition.name).inserted
      else { continue }
      partitions.append(partition)
    }
  }

  /// The partition value named `name`, if the key has one (`.some(nil)` for a null value).
  public func value(of name: String) -> String?? {
    partitions.first { $0.name == name }.map(\.value)
  }

  /// `name=value` of one folder, decoded; nil unless there is an `=` after a non-empty name.
  static func partition(in segment: Substring) -> PartitionValue? {
    guard let equals = segment.firstIndex(of: "="), equals != segment.startIndex else {
      return nil
    }
    let name = PercentDecoding.decode(segment[..<equals])
    let value = PercentDecoding.decode(segment[segment.index(after: equals)...])
    return PartitionValue(name: name, value: value == PartitionValue.nullMarker ? nil : value)
  }
}

/// Hive's escaping of partition names and values: `%` followed by two hex digits.
enum PercentDecoding {
  /// `text` with every `%XX` replaced by its byte; a `%` without two hex digits stays as it
  /// is, and so does the whole text when the decoded bytes are not UTF-8.
  static func decode(_ text: Substring) -> String {
    guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
    let bytes = Array(text.utf8)
    var decoded: [UInt8] = []
    decoded.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
        let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
      {
        decoded.append(high << 4 | low)
        index += 3
      } else {
        decoded.append(bytes[index])
        index += 1
      }
    }
    return String(validating: decoded, as: UTF8.self) ?? String(text)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
