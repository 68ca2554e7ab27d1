/// Reads JSON lines (one JSON object per line) as they stream past, in bounded memory: every
/// top-level member is a column (in order of first appearance), a member missing from a line
/// or `null` is a null, nested objects and arrays are `json` columns without min/max.
/// Numbers read as integers or decimals, strings as dates, timestamps or text (a string of
/// digits stays text). Empty lines are skipped; a line that is not one JSON object is an
/// error (the file is then catalogued as unparsed).
public struct JSONLinesScanner: TextTableScanner, Sendable {
  private let limits: TextStatisticsLimits
  private var lineBuffer: [UInt8] = []
  private var names: [String] = []
  private var columnIndex: [String: Int] = [:]
  private var columns: [ColumnAccumulator] = []
  /// The row each column last had a value in, so missing members count as nulls.
  private var seenInRow: [Int64] = []
  private var rows: Int64 = 0
  private var line: Int64 = 0

  public init(limits: TextStatisticsLimits = .init()) {
    self.limits = limits
  }

  /// Reads the next bytes of the file.
  public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(TextStatisticsError) {
    for byte in bytes {
      if byte == UInt8(ascii: "\n") {
        try endLine()
      } else {
        guard lineBuffer.count < limits.maxLineBytes else {
          throw TextStatisticsError(
            "a line is longer than \(limits.maxLineBytes) bytes", line: line + 1)
        }
        lineBuffer.append(byte)
      }
    }
  }

  /// Ends the file (a last line without a line break counts) and returns the table.
  public mutating func finish() throws(TextStatisticsError) -> TableSummary {
    if !lineBuffer.isEmpty { try endLine() }
    let summaries = names.enumerated().map { index, name in columns[index].summary(name: name) }
    return TableSummary(columns: summaries, rowCount: rows)
  }

  private mutating func endLine() throws(TextStatisticsError) {
    line += 1
    defer { lineBuffer.removeAll(keepingCapacity: true) }
    var reader = JSONReader(bytes: lineBuffer, limits: limits)
    reader.skipSpace()
    if reader.atEnd { return }
    rows += 1
    do throws(JSONReader.Failure) {
      try reader.expect(UInt8(ascii: "{"))
      reader.skipSpace()
      if !reader.take(UInt8(ascii: "}")) {
        repeat {
          reader.skipSpace()
          let (name, _) = try reader.string()
          reader.skipSpace()
          try reader.expect(UInt8(ascii: ":"))
          reader.skipSpace()
          let value = try reader.value()
          try record(name: String(decoding: name, as: UTF8.self), value)
          reader.skipSpace()
        } while reader.take(UInt8(ascii: ","))
        try reader.expect(UInt8(ascii: "}"))
      }
      reader.skipSpace()
      if !reader.atEnd { throw JSONReader.Failure(message: "text after the object") }
    } catch {
      throw TextStatisticsError(error.message, line: line)
    }
    // Members this line lacks are nulls (and so are earlier rows of a column seen late,
    // counted when it first appears).
    for index in columns.indices where seenInRow[index] < rows {
      columns[index].addNull()
      seenInRow[index] = rows
    }
  }

  private mutating func record(name: String, _ value: JSONReader.Value) throws(JSONReader.Failure) {
    let index: Int
    if let known = columnIndex[name] {
      index = known
      if seenInRow[index] == rows { return }  // a repeated member: the first one counts
    } else {
      guard columns.count < limits.maxColumns else {
        throw JSONReader.Failure(message: "more than \(limits.maxColumns) distinct members")
      }
      index = columns.count
      columnIndex[name] = index
      names.append(name)
      var accumulator = ColumnAccumulator()
      accumulator.nulls = rows - 1  // the rows before it lacked it
      columns.append(accumulator)
      seenInRow.append(0)
    }
    seenInRow[index] = rows
    switch value {
    case .null: columns[index].addNull()
    case .scalar(let bytes, let kind, let truncated):
      bytes.withUnsafeBufferPointer { value in
        columns[index].add(value, kind: kind, truncated: truncated, limits: limits)
      }
    }
  }
}

/// A strict JSON reader over one line's bytes (RFC 8259), keeping only what statistics need.
struct JSONReader {
  struct Failure: Error {
    var message: String
  }

  enum Value {
    case null
    case scalar([UInt8], ValueKind, truncated: Bool)
  }

  private let bytes: [UInt8]
  private let limits: TextStatisticsLimits
  private var index = 0

  init(bytes: [UInt8], limits: TextStatisticsLimits) {
    self.bytes = bytes
    self.limits = limits
  }

  var atEnd: Bool { index >= bytes.count }

  mutating func skipSpace() {
    while index < bytes.count,
      bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D || bytes[index] == 0x0A
    {
      index += 1
    }
  }

  mutating func take(_ byte: UInt8) -> Bool {
    guard index < bytes.count, bytes[index] == byte else { return false }
    index += 1
    return true
  }

  mutating func expect(_ byte: UInt8) throws(Failure) {
    guard take(byte) else {
      throw Failure(
        message: atEnd
          ? "the line ends where '\(Character(Unicode.Scalar(byte)))' was expected"
          : "expected '\(Character(Unicode.Scalar(byte)))' at byte \(index + 1)")
    }
  }

  /// A value; nested ones are checked and skipped.
  mutating func value() throws(Failure) -> Value {
    guard index < bytes.count else { throw Failure(message: "a value is missing") }
    switch bytes[index] {
    case UInt8(ascii: "\""):
      let (text, truncated) = try string()
      return .scalar(text, .jsonString, truncated: truncated)
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      try skipNested(depth: 1)
      return .scalar([], .nested, truncated: false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    case UInt8(ascii: "t"):
      try literal("true")
      return .scalar(Array("true".utf8), .jsonLiteral, truncated: false)
    case UInt8(ascii: "f"):
      try literal("false")
      return .scalar(Array("false".utf8), .jsonLiteral, truncated: false)
    default:
      return .scalar(try number(), .jsonNumber, truncated: false)
    }
  }

  private mutating func literal(_ word: String) throws(Failure) {
    for byte in word.utf8 {
      guard take(byte) else { throw Failure(message: "not a JSON value at byte \(index + 1)") }
    }
  }

  private mutating func number() throws(Failure) -> [UInt8] {
    let start = index
    _ = take(UInt8(ascii: "-"))
    let digitsStart = index
    let wholeDigits = digits()
    guard wholeDigits > 0 else { throw Failure(message: "not a JSON value at byte \(start + 1)") }
    if wholeDigits > 1, bytes[digitsStart] == UInt8(ascii: "0") {
      throw Failure(message: "a number with a leading zero at byte \(start + 1)")
    }
    if take(UInt8(ascii: ".")) {
      guard digits() > 0 else { throw Failure(message: "a bad number at byte \(start + 1)") }
    }
    if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
      if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
      guard digits() > 0 else { throw Failure(message: "a bad number at byte \(start + 1)") }
    }
    return Array(bytes[start..<index])
  }

  private mutating func digits() -> Int {
    let start = index
    while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
    return index - start
  }

  /// A string's content, unescaped (up to `maxValueBytes`; the flag says it was cut).
  mutating func string() throws(Failure) -> ([UInt8], Bool) {
    try expect(UInt8(ascii: "\""))
    var out: [UInt8] = []
    var truncated = false
    func put(_ byte: UInt8) {
      if out.count < limits.maxValueBytes { out.append(byte) } else { truncated = true }
    }
    while true {
      guard index < bytes.count else { throw Failure(message: "a string is not closed") }
      let byte = bytes[index]
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        return (out, truncated)
      case UInt8(ascii: "\\"):
        guard index < bytes.count else { throw Failure(message: "a string is not closed") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): put(escape)
        case UInt8(ascii: "b"): put(0x08)
        case UInt8(ascii: "f"): put(0x0C)
        case UInt8(ascii: "n"): put(0x0A)
        case UInt8(ascii: "r"): put(0x0D)
        case UInt8(ascii: "t"): put(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar), bytes[index...].starts(with: [0x5C, 0x75]) {
            index += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
          }
          for byte in String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8 { put(byte) }
        default:
          throw Failure(message: "a bad escape in a string at byte \(index)")
        }
      case 0..<0x20:
        throw Failure(message: "a control character in a string at byte \(index)")
      default:
        put(byte)
      }
    }
  }

  private mutating func hex4() throws(Failure) -> UInt32 {
    guard index + 4 <= bytes.count else { throw Failure(message: "a bad \\u escape") }
    var value: UInt32 = 0
    for byte in bytes[index..<(index + 4)] {
      guard let digit = Self.hexDigit(byte) else { throw Failure(message: "a bad \\u escape") }
      value = value << 4 | UInt32(digit)
    }
    index += 4
    return value
  }

  private static func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x41...0x46: byte - 0x41 + 10
    case 0x61...0x66: byte - 0x61 + 10
    default: nil
    }
  }

  /// Skips an object or array (its opening bracket at `index`), checking its syntax.
  private mutating func skipNested(depth: Int) throws(Failure) {
    guard depth <= limits.maxDepth else {
      throw Failure(message: "values nest deeper than \(limits.maxDepth)")
    }
    let isObject = bytes[index] == UInt8(ascii: "{")
    index += 1
    skipSpace()
    let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
    if take(close) { return }
    repeat {
      skipSpace()
      if isObject {
        _ = try string()
        skipSpace()
        try expect(UInt8(ascii: ":"))
        skipSpace()
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[")
      {
        try skipNested(depth: depth + 1)
      } else {
        _ = try value()
      }
      skipSpace()
    } while take(UInt8(ascii: ","))
    try expect(close)
  }
}
