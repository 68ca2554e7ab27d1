import Foundation

@testable import LakeQuery

/// A fixture's NAME.expected.json, as make_fixtures.py writes it from pyarrow's reading.
struct Expected: Decodable {
  let numRows: Int64
  let numRowGroups: Int
  let createdBy: String
  let columns: [Column]
  let rowGroups: [RowGroup]
  let fileStatistics: [Statistics]

  struct Column: Decodable {
    let path: [String]
    let physicalType: String
    let logicalType: [String: Scalar]
    let maxDefinitionLevel: Int
    let maxRepetitionLevel: Int
  }

  struct RowGroup: Decodable {
    let numRows: Int64
    let columns: [Statistics]
  }

  struct Statistics: Decodable {
    let min: Value?
    let max: Value?
    let nullCount: Int64?
    let numValues: Int64?
  }

  /// `{"integer": 1}`, `{"decimal": "0.1"}` (Python's repr), `{"date": days}`,
  /// `{"timestamp": micros}` or `{"string": "text"}`.
  struct Value: Decodable {
    let value: TypedValue

    private enum Keys: String, CodingKey {
      case integer, decimal, date, timestamp, string
    }

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: Keys.self)
      if let value = try container.decodeIfPresent(Int64.self, forKey: .integer) {
        self.value = .integer(value)
      } else if let text = try container.decodeIfPresent(String.self, forKey: .decimal) {
        guard let value = Double(text) else {
          throw DecodingError.dataCorruptedError(
            forKey: .decimal, in: container, debugDescription: text)
        }
        self.value = .decimal(value)
      } else if let value = try container.decodeIfPresent(Int64.self, forKey: .date) {
        self.value = .date(value)
      } else if let value = try container.decodeIfPresent(Int64.self, forKey: .timestamp) {
        self.value = .timestamp(value)
      } else {
        value = .string(try container.decode(String.self, forKey: .string))
      }
    }
  }
}

/// A JSON string, bool or integer (the values of pyarrow's logical type JSON).
enum Scalar: Decodable, Equatable {
  case string(String)
  case bool(Bool)
  case int(Int)

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int.self) {
      self = .int(value)
    } else {
      self = .string(try container.decode(String.self))
    }
  }
}

extension JSONDecoder {
  static var snakeCase: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
  }
}

extension ParquetColumn {
  /// The logical type as pyarrow's `logical_type.to_json()` writes it, without its
  /// bookkeeping keys.
  var logicalTypeAsPyarrow: [String: Scalar] {
    func unit(_ unit: ParquetTimeUnit) -> Scalar {
      switch unit {
      case .millis: .string("milliseconds")
      case .micros: .string("microseconds")
      case .nanos: .string("nanoseconds")
      }
    }
    switch logicalType {
    case nil: return ["Type": .string("None")]
    case .string?: return ["Type": .string("String")]
    case .date?: return ["Type": .string("Date")]
    case .null?: return ["Type": .string("Null")]
    case .decimal(let precision, let scale)?:
      return [
        "Type": .string("Decimal"), "precision": .int(Int(precision)), "scale": .int(Int(scale)),
      ]
    case .integer(let bitWidth, let signed)?:
      return ["Type": .string("Int"), "bitWidth": .int(Int(bitWidth)), "isSigned": .bool(signed)]
    case .time(let u, let utc)?:
      return ["Type": .string("Time"), "timeUnit": unit(u), "isAdjustedToUTC": .bool(utc)]
    case .timestamp(let u, let utc)?:
      return ["Type": .string("Timestamp"), "timeUnit": unit(u), "isAdjustedToUTC": .bool(utc)]
    case let other?: return ["Type": .string("\(other)")]
    }
  }
}

extension Expected.Column {
  /// Without pyarrow's bookkeeping keys.
  var logicalTypeKeys: [String: Scalar] {
    logicalType.filter { !["is_from_converted_type", "force_set_converted_type"].contains($0.key) }
  }
}
