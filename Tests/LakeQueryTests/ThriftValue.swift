/// A Thrift value for building footers in tests, written with the compact protocol.
indirect enum ThriftValue {
  case bool(Bool)
  case byte(Int8)
  case i16(Int16)
  case i32(Int32)
  case i64(Int64)
  case double(Double)
  case binary([UInt8])
  case list(code: UInt8, [ThriftValue])
  case set(code: UInt8, [ThriftValue])
  case map(key: UInt8, value: UInt8, [(ThriftValue, ThriftValue)])
  case structure([(Int16, ThriftValue)])
  case uuid

  static func string(_ text: String) -> ThriftValue { .binary(Array(text.utf8)) }
  static func structs(_ elements: [ThriftValue]) -> ThriftValue { .list(code: 12, elements) }
  static func strings(_ elements: [String]) -> ThriftValue { .list(code: 8, elements.map(string)) }

  /// The compact type code.
  var code: UInt8 {
    switch self {
    case .bool(let value): value ? 1 : 2
    case .byte: 3
    case .i16: 4
    case .i32: 5
    case .i64: 6
    case .double: 7
    case .binary: 8
    case .list: 9
    case .set: 10
    case .map: 11
    case .structure: 12
    case .uuid: 13
    }
  }

  /// The encoding of a struct's fields (in the order given) and its STOP byte.
  static func encode(_ fields: [(Int16, ThriftValue)]) -> [UInt8] {
    var out: [UInt8] = []
    ThriftValue.structure(fields).write(to: &out, inField: false)
    return out
  }

  func write(to out: inout [UInt8], inField: Bool) {
    switch self {
    case .bool(let value): if !inField { out.append(value ? 1 : 2) }
    case .byte(let value): out.append(UInt8(bitPattern: value))
    case .i16(let value): Self.varint(Self.zigzag(Int64(value)), &out)
    case .i32(let value): Self.varint(Self.zigzag(Int64(value)), &out)
    case .i64(let value): Self.varint(Self.zigzag(value), &out)
    case .double(let value):
      for shift in stride(from: 0, to: 64, by: 8) {
        out.append(UInt8(truncatingIfNeeded: value.bitPattern >> UInt64(shift)))
      }
    case .binary(let bytes):
      Self.varint(UInt64(bytes.count), &out)
      out += bytes
    case .list(let code, let elements), .set(let code, let elements):
      Self.listHeader(code: code, count: elements.count, &out)
      for element in elements { element.write(to: &out, inField: false) }
    case .map(let key, let value, let entries):
      Self.varint(UInt64(entries.count), &out)
      if !entries.isEmpty { out.append(key << 4 | value) }
      for (k, v) in entries {
        k.write(to: &out, inField: false)
        v.write(to: &out, inField: false)
      }
    case .structure(let fields):
      var last: Int16 = 0
      for (id, value) in fields {
        if id > last && id - last <= 15 {
          out.append(UInt8(id - last) << 4 | value.code)
        } else {
          out.append(value.code)
          Self.varint(Self.zigzag(Int64(id)), &out)
        }
        last = id
        value.write(to: &out, inField: true)
      }
      out.append(0)
    case .uuid: out += Array(repeating: 0xAB, count: 16)
    }
  }

  static func listHeader(code: UInt8, count: Int, _ out: inout [UInt8]) {
    if count < 15 {
      out.append(UInt8(count) << 4 | code)
    } else {
      out.append(0xF0 | code)
      varint(UInt64(count), &out)
    }
  }

  static func varint(_ value: UInt64, _ out: inout [UInt8]) {
    var value = value
    while value >= 0x80 {
      out.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    out.append(UInt8(value))
  }

  static func zigzag(_ value: Int64) -> UInt64 {
    UInt64(bitPattern: (value << 1) ^ (value >> 63))
  }
}

/// Builders of parquet.thrift structs, with only what a test sets.
enum Footer {
  /// A schema element; `type`, `repetition` and `converted` are parquet.thrift codes.
  static func element(
    _ name: String, type: Int32? = nil, repetition: Int32? = 1, children: Int32? = nil,
    converted: Int32? = nil, scale: Int32? = nil, precision: Int32? = nil,
    logical: ThriftValue? = nil
  ) -> ThriftValue {
    var fields: [(Int16, ThriftValue)] = []
    if let type { fields.append((1, .i32(type))) }
    if let repetition { fields.append((3, .i32(repetition))) }
    fields.append((4, .string(name)))
    if let children { fields.append((5, .i32(children))) }
    if let converted { fields.append((6, .i32(converted))) }
    if let scale { fields.append((7, .i32(scale))) }
    if let precision { fields.append((8, .i32(precision))) }
    if let logical { fields.append((10, logical)) }
    return .structure(fields)
  }

  /// The root group with `children` children.
  static func root(_ children: Int32) -> ThriftValue {
    element("schema", repetition: nil, children: children)
  }

  /// A `LogicalType` union with member `id` set to `fields`.
  static func logical(_ id: Int16, _ fields: [(Int16, ThriftValue)] = []) -> ThriftValue {
    .structure([(id, .structure(fields))])
  }

  /// A `Statistics` struct from its fields (1 max, 2 min, 3 null_count, 5 max_value,
  /// 6 min_value, 7/8 exactness).
  static func statistics(_ fields: [(Int16, ThriftValue)]) -> ThriftValue { .structure(fields) }

  /// A column chunk with metadata for `path` of physical `type`.
  static func chunk(
    _ path: [String], type: Int32, values: Int64 = 10, statistics: ThriftValue? = nil,
    extra: [(Int16, ThriftValue)] = []
  ) -> ThriftValue {
    var meta: [(Int16, ThriftValue)] = [
      (1, .i32(type)), (2, .list(code: 5, [.i32(0)])), (3, .strings(path)), (4, .i32(0)),
      (5, .i64(values)), (6, .i64(100)), (7, .i64(90)), (9, .i64(4)),
    ]
    if let statistics { meta.append((12, statistics)) }
    meta += extra
    return .structure([(2, .i64(0)), (3, .structure(meta))])
  }

  static func rowGroup(_ chunks: [ThriftValue], rows: Int64 = 10) -> ThriftValue {
    .structure([(1, .structs(chunks)), (2, .i64(1000)), (3, .i64(rows))])
  }

  /// A `FileMetaData`; `extra` fields are appended (ids above 6 keep the deltas short).
  static func file(
    schema: [ThriftValue], rows: Int64 = 10, groups: [ThriftValue],
    extra: [(Int16, ThriftValue)] = []
  ) -> [UInt8] {
    ThriftValue.encode(
      [
        (1, .i32(2)), (2, .structs(schema)), (3, .i64(rows)), (4, .structs(groups)),
        (6, .string("LakeQuery tests")),
      ] + extra)
  }

  /// Little-endian bytes of `value`'s low `count` bytes (a PLAIN INT32 or INT64).
  static func plain(_ value: Int64, _ count: Int) -> ThriftValue {
    .binary((0..<count).map { UInt8(truncatingIfNeeded: value >> Int64(8 * $0)) })
  }
}
