/// A pull reader of the Thrift compact protocol over a complete buffer
/// (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md).
///
/// Pure and total: every read checks the bytes that remain, varints are limited to 64 bits,
/// sizes are checked against the remaining bytes before anything is allocated, and nesting
/// is limited to `maxDepth`. Failures are ``ParquetError``s whose message names the byte
/// offset and the chain of structs and fields being read.
///
/// A struct is read with ``beginStruct(_:)``, ``nextField()`` until it returns nil, checks
/// of required fields, then ``endStruct()``; unwanted fields go to ``skip(_:)``.
struct ThriftCompactReader {
  private let bytes: [UInt8]
  private(set) var position = 0
  private let maxDepth: Int
  /// The structs being read, outermost first, for depth and error messages.
  private var frames: [Frame] = []
  /// Lists and maps being skipped inside the innermost struct.
  private var containers = 0

  private struct Frame {
    let name: StaticString
    var lastID: Int16 = 0
    var field: Int16?
    var element: Int?
  }

  init(_ bytes: [UInt8], maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  var remaining: Int { bytes.count - position }
  var isAtEnd: Bool { position == bytes.count }

  // MARK: Structs

  /// Enters a struct named `name` (the name is for error messages only).
  mutating func beginStruct(_ name: StaticString) throws(ParquetError) {
    guard frames.count + containers < maxDepth else {
      throw error(.limitExceeded, "nesting deeper than \(maxDepth) structs and lists")
    }
    frames.append(Frame(name: name))
  }

  /// The next field header of the current struct, or nil at its STOP byte.
  mutating func nextField() throws(ParquetError) -> ThriftField? {
    let header = try byte()
    if header == 0 {
      frames[frames.count - 1].field = nil
      frames[frames.count - 1].element = nil
      return nil
    }
    guard let type = ThriftType(code: header & 0x0F) else {
      throw error(.malformed, "unknown field type \(header & 0x0F)")
    }
    let last = frames[frames.count - 1].lastID
    let delta = Int16(header >> 4)
    let id: Int16
    if delta == 0 {
      id = try i16()
    } else {
      let (sum, overflow) = last.addingReportingOverflow(delta)
      guard !overflow else { throw error(.malformed, "field id past 32767") }
      id = sum
    }
    frames[frames.count - 1].lastID = id
    frames[frames.count - 1].field = id
    frames[frames.count - 1].element = nil
    return ThriftField(id: id, type: type, bool: header & 0x0F == 1)
  }

  /// Leaves the current struct (after ``nextField()`` returned nil).
  mutating func endStruct() {
    frames.removeLast()
  }

  /// Records that element `index` of the current field's list is being read, for messages.
  mutating func reading(element index: Int) {
    frames[frames.count - 1].element = index
  }

  // MARK: Values

  mutating func byte() throws(ParquetError) -> UInt8 {
    guard position < bytes.count else { throw error(.truncated, "truncated footer") }
    defer { position += 1 }
    return bytes[position]
  }

  /// An unsigned LEB128 varint of at most 64 bits (ten bytes).
  mutating func varint() throws(ParquetError) -> UInt64 {
    var value: UInt64 = 0
    for shift in stride(from: 0, to: 64, by: 7) {
      let next = try byte()
      if shift == 63 && next > 1 { throw error(.malformed, "varint longer than 64 bits") }
      value |= UInt64(next & 0x7F) << UInt64(shift)
      if next & 0x80 == 0 { return value }
    }
    throw error(.malformed, "varint longer than 64 bits")
  }

  /// A zigzag varint (i16, i32 and i64 values and long field ids).
  mutating func i64() throws(ParquetError) -> Int64 {
    let raw = try varint()
    return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
  }

  mutating func i32() throws(ParquetError) -> Int32 {
    let value = try i64()
    guard let narrow = Int32(exactly: value) else { throw error(.malformed, "i32 out of range") }
    return narrow
  }

  mutating func i16() throws(ParquetError) -> Int16 {
    let value = try i64()
    guard let narrow = Int16(exactly: value) else { throw error(.malformed, "i16 out of range") }
    return narrow
  }

  /// A binary's bytes (its length is an unsigned varint).
  mutating func binary() throws(ParquetError) -> ArraySlice<UInt8> {
    let count = try size(elementSize: 1, what: "binary", unit: "bytes")
    defer { position += count }
    return bytes[position..<(position + count)]
  }

  /// A string, invalid UTF-8 replaced with U+FFFD.
  mutating func string() throws(ParquetError) -> String {
    String(decoding: try binary(), as: UTF8.self)
  }

  /// A bool: from the field header for a field, one byte (1 is true) in a list.
  mutating func bool(_ field: ThriftField?) throws(ParquetError) -> Bool {
    if let field { return field.bool }
    return try byte() == 1
  }

  /// A list's (or set's) element type and count; the count is checked against the bytes left.
  mutating func listHeader() throws(ParquetError) -> (type: ThriftType, count: Int) {
    let header = try byte()
    guard let type = ThriftType(code: header & 0x0F) else {
      throw error(.malformed, "unknown list element type \(header & 0x0F)")
    }
    let count =
      header >> 4 == 0x0F
      ? try size(elementSize: type.minimumSize, what: "list", unit: "elements")
      : Int(header >> 4)
    guard count * type.minimumSize <= remaining else {
      throw error(
        .truncated, "truncated footer: list of \(count) elements with \(remaining) bytes left")
    }
    return (type, count)
  }

  /// An unsigned varint size of `what` (counted in `unit`s), at most `Int32.max` and never
  /// more elements of `elementSize` bytes than remain.
  private mutating func size(elementSize: Int, what: String, unit: String) throws(ParquetError)
    -> Int
  {
    let raw = try varint()
    guard raw <= UInt64(Int32.max) else {
      throw error(.malformed, "\(what) of \(raw) \(unit) is past the protocol's limit")
    }
    let count = Int(raw)
    guard count * elementSize <= remaining else {
      throw error(
        .truncated, "truncated footer: \(what) of \(count) \(unit) with \(remaining) bytes left")
    }
    return count
  }

  // MARK: Skipping

  /// Skips the value of `field`, whatever its type (unknown fields of newer writers).
  mutating func skip(_ field: ThriftField) throws(ParquetError) {
    if field.type == .bool { return }  // the value was in the header
    try skipValue(field.type)
  }

  private mutating func skipValue(_ type: ThriftType) throws(ParquetError) {
    switch type {
    case .bool, .byte: try advance(1)
    case .i16, .i32, .i64: _ = try varint()
    case .double: try advance(8)
    case .uuid: try advance(16)
    case .binary: _ = try binary()
    case .structure:
      try beginStruct("struct")
      while let field = try nextField() { try skip(field) }
      endStruct()
    case .list, .set:
      let (element, count) = try listHeader()
      try nested { (reader: inout Self) throws(ParquetError) in
        for _ in 0..<count { try reader.skipValue(element) }
      }
    case .map:
      let count = try size(elementSize: 2, what: "map", unit: "entries")
      guard count > 0 else { return }
      let types = try byte()
      guard let key = ThriftType(code: types >> 4), let value = ThriftType(code: types & 0x0F)
      else { throw error(.malformed, "unknown map key or value type \(types)") }
      try nested { (reader: inout Self) throws(ParquetError) in
        for _ in 0..<count {
          try reader.skipValue(key)
          try reader.skipValue(value)
        }
      }
    }
  }

  /// Runs `body` one list or map deeper.
  private mutating func nested(_ body: (inout Self) throws(ParquetError) -> Void)
    throws(ParquetError)
  {
    guard frames.count + containers < maxDepth else {
      throw error(.limitExceeded, "nesting deeper than \(maxDepth) structs and lists")
    }
    containers += 1
    defer { containers -= 1 }
    try body(&self)
  }

  private mutating func advance(_ count: Int) throws(ParquetError) {
    guard count <= remaining else { throw error(.truncated, "truncated footer") }
    position += count
  }

  // MARK: Errors

  /// An error at the current position, `what` followed by where: "truncated footer at byte
  /// 120 reading field 4 of SchemaElement in element 3 of field 2 of FileMetaData".
  func error(_ code: ParquetError.Code, _ what: String) -> ParquetError {
    var places: [String] = []
    for frame in frames.reversed() {
      var place = frame.field.map { "field \($0) of \(frame.name)" } ?? "\(frame.name)"
      if let element = frame.element { place = "element \(element) of " + place }
      places.append(place)
    }
    let context = places.isEmpty ? "" : " reading " + places.joined(separator: " in ")
    return ParquetError(code, "\(what) at byte \(position)\(context)")
  }
}
