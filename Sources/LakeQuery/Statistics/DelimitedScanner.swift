/// Reads CSV (or TSV, or another single-byte delimiter) as it streams past, in bounded
/// memory: the first record names the columns, every later record adds to the row count and
/// the columns' statistics.
///
/// RFC 4180 quoting: a field that starts with `"` runs to the next lone `"` and may hold the
/// delimiter, `""` and line breaks. Lines end with LF or CRLF; a UTF-8 byte-order mark at the
/// start is skipped; empty lines are skipped. An empty field is null. A record whose field
/// count differs from the header's, an unterminated quote, or more columns than the limit is
/// an error (the file is then catalogued as unparsed).
public struct DelimitedScanner: TextTableScanner, Sendable {
  private enum State: Sendable {
    case fieldStart
    case unquoted
    case quoted
    case quoteInQuoted
    case afterCR
  }

  private let delimiter: UInt8
  private let limits: TextStatisticsLimits
  private var state = State.fieldStart
  private var field: [UInt8] = []
  private var fieldTruncated = false
  private var fieldQuoted = false
  private var fieldIndex = 0
  private var names: [String]?
  private var headerFields: [String] = []
  private var columns: [ColumnAccumulator] = []
  private var rows: Int64 = 0
  private var line: Int64 = 1
  private var recordLine: Int64 = 1
  private var bomChecked = false
  private var pendingBOM: [UInt8] = []
  private var recordIsEmpty = true

  public init(delimiter: UInt8, limits: TextStatisticsLimits = .init()) {
    self.delimiter = delimiter
    self.limits = limits
  }

  /// Reads the next bytes of the file.
  public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(TextStatisticsError) {
    var index = 0
    let count = bytes.count
    while index < count {
      let byte = bytes[index]
      if !bomChecked {
        index += 1
        pendingBOM.append(byte)
        if pendingBOM.count < 3, [0xEF, 0xBB, 0xBF].starts(with: pendingBOM) { continue }
        bomChecked = true
        let held = pendingBOM
        pendingBOM = []
        if held != [0xEF, 0xBB, 0xBF] {
          for heldByte in held { try step(heldByte) }
        }
        continue
      }
      // Fastest path: past the header, whole unquoted fields that lie in `bytes` go to their
      // column in place, without being copied.
      if state == .fieldStart, names != nil, field.isEmpty {
        let next = try fieldsInPlace(bytes, from: index)
        if next > index {
          index = next
          continue
        }
      }
      // Fast path: a run of ordinary bytes inside a field is appended at once; only the
      // bytes that end or change a field go through the state machine.
      let run = plainRun(bytes, from: index)
      if run > index {
        appendRun(bytes, index..<run)
        index = run
        continue
      }
      try step(byte)
      index += 1
    }
  }

  /// Reads the unquoted fields from `start` (a field's start, past the header) that end
  /// inside `raw`, as `step` would, straight from the buffer; returns where it stopped: at a
  /// field that starts or holds a quote, runs past the buffer or the value limit, or at the
  /// end of the buffer. Those are left to the state machine.
  private mutating func fieldsInPlace(_ raw: UnsafeRawBufferPointer, from start: Int)
    throws(TextStatisticsError) -> Int
  {
    guard delimiter != 0x22, delimiter != 0x0A, delimiter != 0x0D, names != nil else {
      return start
    }
    // The columns move out of self while they are filled (one uniqueness check for the
    // whole buffer instead of one per field), and back however this returns.
    var columns: [ColumnAccumulator] = []
    swap(&columns, &self.columns)
    defer { swap(&columns, &self.columns) }
    let result = columns.withUnsafeMutableBufferPointer { columns in
      Result { () throws(TextStatisticsError) -> Int in
        try fieldsInPlace(raw, from: start, into: columns)
      }
    }
    return try result.get()
  }

  /// `fieldsInPlace` with the columns at hand.
  private mutating func fieldsInPlace(
    _ raw: UnsafeRawBufferPointer, from start: Int,
    into columns: UnsafeMutableBufferPointer<ColumnAccumulator>
  ) throws(TextStatisticsError) -> Int {
    let bytes = raw.assumingMemoryBound(to: UInt8.self)
    let delimiter = self.delimiter
    let limits = self.limits
    var index = start
    while state == .fieldStart {
      var end = index
      while end < bytes.count {
        let byte = bytes[end]
        if byte == delimiter || byte == 0x0A || byte == 0x0D || byte == 0x22 { break }
        end += 1
      }
      guard end < bytes.count, bytes[end] != 0x22, end - index <= limits.maxValueBytes else {
        return index
      }
      let value = UnsafeBufferPointer(rebasing: bytes[index..<end])
      let ends = bytes[end] != delimiter
      if !ends || !recordIsEmpty || !value.isEmpty {
        recordIsEmpty = false
        guard fieldIndex < columns.count else {
          throw TextStatisticsError(
            "a record has more fields than the header's \(columns.count)", line: recordLine)
        }
        if value.isEmpty {
          columns[fieldIndex].addNull()
        } else {
          columns[fieldIndex].add(value, kind: .text, truncated: false, limits: limits)
        }
        fieldIndex += 1
        if ends {
          guard fieldIndex == columns.count else {
            throw TextStatisticsError(
              "a record has \(fieldIndex) fields, the header \(columns.count)", line: recordLine)
          }
          rows += 1
          fieldIndex = 0
          recordIsEmpty = true
        }
      }
      if ends {
        line += 1
        recordLine = line
        if bytes[end] == 0x0D { state = .afterCR }
      }
      index = end + 1
    }
    return index
  }

  /// The end of the run of bytes from `start` that `step` would only append to the field:
  /// inside an unquoted field anything but the delimiter, a quote and line breaks; inside a
  /// quoted one anything but a quote and LF (counted as a line).
  private func plainRun(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
    var end = start
    switch state {
    case .unquoted:
      while end < bytes.count {
        let byte = bytes[end]
        if byte == delimiter || byte == 0x0A || byte == 0x0D || byte == 0x22 { break }
        end += 1
      }
    case .quoted:
      while end < bytes.count {
        let byte = bytes[end]
        if byte == 0x22 || byte == 0x0A { break }
        end += 1
      }
    default:
      break
    }
    return end
  }

  private mutating func appendRun(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
    if state == .unquoted { recordIsEmpty = false }
    let room = max(0, limits.maxValueBytes - field.count)
    if range.count > room { fieldTruncated = true }
    field.append(contentsOf: bytes[range.lowerBound..<(range.lowerBound + min(room, range.count))])
  }

  /// Ends the file and returns the table; a last record without a line break counts.
  public mutating func finish() throws(TextStatisticsError) -> TableSummary {
    if !bomChecked, !pendingBOM.isEmpty {
      bomChecked = true
      let held = pendingBOM
      pendingBOM = []
      if held != [0xEF, 0xBB, 0xBF] { for byte in held { try step(byte) } }
    }
    switch state {
    case .quoted:
      throw TextStatisticsError("a quoted field is not closed", line: recordLine)
    case .afterCR:
      break
    case .fieldStart where recordIsEmpty:
      break
    default:
      try endField()
      try endRecord()
    }
    state = .fieldStart
    let columns = (names ?? []).enumerated().map { index, name in
      self.columns[index].summary(name: name)
    }
    return TableSummary(columns: columns, rowCount: rows)
  }

  private mutating func step(_ byte: UInt8) throws(TextStatisticsError) {
    switch state {
    case .fieldStart:
      if byte == UInt8(ascii: "\"") {
        fieldQuoted = true
        recordIsEmpty = false
        state = .quoted
      } else {
        try unquoted(byte)
      }
    case .unquoted:
      try unquoted(byte)
    case .quoted:
      if byte == UInt8(ascii: "\"") {
        state = .quoteInQuoted
      } else {
        if byte == UInt8(ascii: "\n") { line += 1 }
        append(byte)
      }
    case .quoteInQuoted:
      if byte == UInt8(ascii: "\"") {
        append(byte)
        state = .quoted
      } else {
        // The closing quote; anything after it up to the delimiter is kept as written.
        state = .unquoted
        try unquoted(byte)
      }
    case .afterCR:
      state = .fieldStart
      if byte != UInt8(ascii: "\n") { try step(byte) }
    }
  }

  private mutating func unquoted(_ byte: UInt8) throws(TextStatisticsError) {
    if byte == delimiter {
      recordIsEmpty = false
      try endField()
      state = .fieldStart
    } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
      if !recordIsEmpty || !field.isEmpty || fieldQuoted {
        try endField()
        try endRecord()
      }
      line += 1
      recordLine = line
      state = byte == UInt8(ascii: "\r") ? .afterCR : .fieldStart
    } else {
      recordIsEmpty = false
      append(byte)
      state = .unquoted
    }
  }

  private mutating func append(_ byte: UInt8) {
    if field.count < limits.maxValueBytes {
      field.append(byte)
    } else {
      fieldTruncated = true
    }
  }

  private mutating func endField() throws(TextStatisticsError) {
    // The field moves out while it is read (self changes meanwhile), and back, emptied,
    // keeping its capacity.
    var value: [UInt8] = []
    swap(&value, &field)
    defer {
      value.removeAll(keepingCapacity: true)
      swap(&value, &field)
      fieldTruncated = false
      fieldQuoted = false
    }
    let truncated = fieldTruncated
    let result = value.withUnsafeBufferPointer { value in
      Result { () throws(TextStatisticsError) in try endField(value, truncated: truncated) }
    }
    try result.get()
  }

  /// Ends the record's next field, whose bytes are `value` (only their prefix when
  /// `truncated`).
  private mutating func endField(_ value: UnsafeBufferPointer<UInt8>, truncated: Bool)
    throws(TextStatisticsError)
  {
    defer { fieldIndex += 1 }
    if names == nil {
      guard fieldIndex < limits.maxColumns else {
        throw TextStatisticsError(
          "the header has more than \(limits.maxColumns) columns", line: recordLine)
      }
      columns.append(ColumnAccumulator())
      headerFields.append(String(decoding: value, as: UTF8.self))
      return
    }
    guard fieldIndex < columns.count else {
      throw TextStatisticsError(
        "a record has more fields than the header's \(columns.count)", line: recordLine)
    }
    if value.isEmpty {
      columns[fieldIndex].addNull()
    } else {
      columns[fieldIndex].add(value, kind: .text, truncated: truncated, limits: limits)
    }
  }

  private mutating func endRecord() throws(TextStatisticsError) {
    defer {
      fieldIndex = 0
      recordIsEmpty = true
    }
    if names == nil {
      names = headerFields
      return
    }
    guard fieldIndex == columns.count else {
      throw TextStatisticsError(
        "a record has \(fieldIndex) fields, the header \(columns.count)", line: recordLine)
    }
    rows += 1
  }
}
