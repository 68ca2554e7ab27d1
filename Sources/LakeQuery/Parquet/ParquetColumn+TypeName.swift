extension ParquetColumn {
  /// The column's type as the catalog records it, in DuckLake's type names: `boolean`,
  /// `int8`…`int64`, `uint8`…`uint64`, `float32`, `float64`, `decimal(P,S)`, `varchar`,
  /// `blob`, `date`, `time`, `timestamp` (microseconds, local), `timestamptz`,
  /// `timestamp_ms`, `timestamp_ns`, `json`, `uuid`; `unknown` for what has no such name
  /// (INT96, intervals, geometry…).
  public var typeName: String {
    switch logicalType {
    case .string?, .enum?: return "varchar"
    case .json?: return "json"
    case .uuid?: return "uuid"
    case .date?: return "date"
    case .time?: return "time"
    case .decimal(let precision, let scale)?: return "decimal(\(precision),\(scale))"
    case .integer(let bits, let signed)?: return (signed ? "int" : "uint") + String(bits)
    case .timestamp(let unit, let utc)?:
      switch unit {
      case .micros: return utc ? "timestamptz" : "timestamp"
      case .millis: return "timestamp_ms"
      case .nanos: return "timestamp_ns"
      }
    case nil:
      switch physicalType {
      case .boolean: return "boolean"
      case .int32: return "int32"
      case .int64: return "int64"
      case .float: return "float32"
      case .double: return "float64"
      case .byteArray, .fixedLenByteArray: return "blob"
      case .int96, .unknown: return "unknown"
      }
    default: return "unknown"
    }
  }
}

/// How a column type's values compare, whatever vocabulary named it: the catalog's own for
/// CSV and JSON lines (`integer`, `decimal`, `date`, `timestamp`, `string`) or DuckLake's for
/// Parquet (`int32`, `float64`, `decimal(10,2)`, `timestamptz`, `varchar`…).
public enum ColumnValueKind: Sendable, Hashable {
  case integer
  case decimal
  case date
  case timestamp
  case string
  /// No order the catalog knows (nested, binary, time of day): no min/max predicates.
  case other

  public init(typeName: String) {
    let name = typeName.lowercased()
    if name == "integer" || name == "boolean" || name.hasPrefix("int") || name.hasPrefix("uint") {
      self = .integer
    } else if name == "decimal" || name.hasPrefix("decimal(") || name.hasPrefix("float") {
      self = .decimal
    } else if name == "date" {
      self = .date
    } else if name.hasPrefix("timestamp") {
      self = .timestamp
    } else if name == "string" || name == "varchar" {
      self = .string
    } else {
      self = .other
    }
  }

  /// The kind's name as the catalog stores it (`lake_columns.kind`).
  public var name: String {
    switch self {
    case .integer: "integer"
    case .decimal: "decimal"
    case .date: "date"
    case .timestamp: "timestamp"
    case .string: "string"
    case .other: "other"
    }
  }

  /// The partition type whose parser reads a query literal for columns of this kind.
  public var partitionType: PartitionType? {
    switch self {
    case .integer: .integer
    case .decimal: .decimal
    case .date: .date
    case .timestamp: .timestamp
    case .string: .string
    case .other: nil
    }
  }
}
