/// The value types of the Thrift compact protocol, as a field header or a list names them.
enum ThriftType: Sendable, Equatable {
  case bool, byte, i16, i32, i64, double, binary, list, set, map, structure, uuid

  /// The type for a 4-bit compact type code; nil for STOP (0) and unassigned codes.
  init?(code: UInt8) {
    switch code {
    case 1, 2: self = .bool
    case 3: self = .byte
    case 4: self = .i16
    case 5: self = .i32
    case 6: self = .i64
    case 7: self = .double
    case 8: self = .binary
    case 9: self = .list
    case 10: self = .set
    case 11: self = .map
    case 12: self = .structure
    case 13: self = .uuid
    default: return nil
    }
  }

  /// The fewest bytes one value takes outside a field header (a bool in a list is one byte).
  var minimumSize: Int {
    switch self {
    case .double: 8
    case .uuid: 16
    default: 1
    }
  }
}

/// One field header of a struct: its id, its type and, for a bool, its value (the compact
/// protocol carries a bool field's value in the header's type code).
struct ThriftField: Sendable {
  let id: Int16
  let type: ThriftType
  let bool: Bool
}
