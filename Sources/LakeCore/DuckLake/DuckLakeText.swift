import Foundation
import LakeQuery

/// Values as a DuckLake catalog writes them: statistics as text that DuckDB casts to the
/// column's type (`Value(text).DefaultTryCastAs(type)`), snapshot times, UUIDs.
///
/// A statistic is written only when it is exact, because DuckDB skips files by them: a wrong
/// bound would hide rows. So floating-point columns get none (Parquet leaves NaN out of its
/// bounds, and DuckDB orders NaN above every number), nor do decimals wider than 15 digits
/// (the index keeps decimals as doubles), nanosecond timestamps (kept as microseconds,
/// floored), times, blobs, UUIDs and JSON.
enum DuckLakeText {
  /// `value`, a statistic of a column of DuckLake type `type`, as DuckLake text; nil when
  /// unknown or not exact. Partition values (`isPartition`) are exact whatever their type.
  static func statistic(_ value: TypedValue?, type: String, isPartition: Bool = false)
    -> String?
  {
    guard let value else { return nil }
    if isPartition, type == "float64", case .decimal(let number) = value {
      return number.isFinite ? value.text : nil  // parsed from a folder name: never NaN
    }
    switch (value, type) {
    case (.integer(let number), "boolean"):
      return number != 0 ? "true" : "false"
    case (.integer(let number), _) where type.hasPrefix("int") || type.hasPrefix("uint"):
      return String(number)
    case (.decimal(let number), _) where type.hasPrefix("decimal("):
      guard let (precision, scale) = decimalShape(type), precision <= 15, number.isFinite else {
        return nil
      }
      return String(format: "%.\(scale)f", number)
    case (.date, "date"):
      return plainDate(value.text)
    case (.timestamp, "timestamp"), (.timestamp, "timestamp_ms"):
      return timestamp(value)
    case (.timestamp, "timestamptz"):
      return timestamp(value).map { $0 + "+00" }
    case (.string(let text), "varchar"):
      return text
    default:
      return nil
    }
  }

  /// A Hive partition value as a value of a partition column of DuckLake type `type` (one of
  /// ``DuckLakeTablePlan/partitionType(_:)``'s); nil for a null value.
  static func partitionValue(_ value: String?, type: String) -> TypedValue? {
    guard let value else { return nil }
    switch type {
    case "int64": return PartitionType.integer.parse(value)
    case "float64": return PartitionType.decimal.parse(value)
    case "date": return PartitionType.date.parse(value)
    case "timestamp": return PartitionType.timestamp.parse(value)
    default: return .string(value)
    }
  }

  /// `decimal(P,S)` as (P, S).
  static func decimalShape(_ type: String) -> (Int, Int)? {
    guard type.hasPrefix("decimal("), type.hasSuffix(")") else { return nil }
    let inner = type.dropFirst("decimal(".count).dropLast()
    let parts = inner.split(separator: ",")
    guard parts.count == 2, let precision = Int(parts[0]), let scale = Int(parts[1]) else {
      return nil
    }
    return (precision, scale)
  }

  /// A timestamp as `YYYY-MM-DD HH:MM:SS.ffffff` (UTC), within years 0001-9999.
  private static func timestamp(_ value: TypedValue) -> String? {
    let text = value.text  // YYYY-MM-DDTHH:MM:SS.ffffffZ
    guard plainDate(String(text.prefix(10))) != nil, text.hasSuffix("Z") else { return nil }
    return String(text.dropLast()).replacingOccurrences(of: "T", with: " ")
  }

  /// The date when it is a plain four-digit-year `YYYY-MM-DD`.
  private static func plainDate(_ text: String) -> String? {
    let bytes = Array(text.utf8)
    guard bytes.count == 10, bytes[0] != UInt8(ascii: "-"), !text.hasPrefix("0000") else {
      return nil
    }
    return text
  }

  /// Now as DuckDB writes `snapshot_time`: `YYYY-MM-DD HH:MM:SS.ffffff+00`.
  static func now() -> String {
    let micros = Int64(Date().timeIntervalSince1970 * 1_000_000)
    return (timestamp(.timestamp(micros)) ?? "1970-01-01 00:00:00.000000") + "+00"
  }

  /// A random UUID in lowercase, as DuckDB writes `schema_uuid` and `table_uuid`.
  static func uuid() -> String {
    UUID().uuidString.lowercased()
  }
}
