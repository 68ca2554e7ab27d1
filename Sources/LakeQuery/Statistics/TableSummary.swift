/// A reader of a text table (CSV, JSON lines) fed the file's bytes in order, in pieces of
/// any size, then asked for the table.
public protocol TextTableScanner {
  /// Reads the next bytes of the file.
  mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(TextStatisticsError)
  /// Ends the file and returns the table.
  mutating func finish() throws(TextStatisticsError) -> TableSummary
}

extension TextTableScanner {
  /// Reads the next bytes of the file.
  public mutating func consume(_ bytes: ArraySlice<UInt8>) throws(TextStatisticsError) {
    let result = bytes.withUnsafeBytes { buffer in
      Result { () throws(TextStatisticsError) in try consume(buffer) }
    }
    try result.get()
  }
}

/// A structured file's shape and statistics: its columns in order and its row count.
public struct TableSummary: Sendable, Hashable {
  public var columns: [ColumnSummary]
  public var rowCount: Int64

  public init(columns: [ColumnSummary], rowCount: Int64) {
    self.columns = columns
    self.rowCount = rowCount
  }
}

/// One column: its name, the type its values read as, and statistics over every row.
public struct ColumnSummary: Sendable, Hashable {
  public var name: String
  /// `integer`, `decimal`, `date`, `timestamp` or `string` for scalar values (the narrowest
  /// every non-null value reads as); `json` for nested JSON values.
  public var type: String
  /// The smallest and largest non-null values; nil when unknown (no values, nested values,
  /// or a string longer than ``TextStatisticsLimits/maxStatisticBytes`` as the maximum).
  public var min: TypedValue?
  public var max: TypedValue?
  public var nullCount: Int64

  public init(name: String, type: String, min: TypedValue?, max: TypedValue?, nullCount: Int64) {
    self.name = name
    self.type = type
    self.min = min
    self.max = max
    self.nullCount = nullCount
  }
}

/// Bounds on what reading a text table may hold in memory; a file past them is reported, not
/// read further.
public struct TextStatisticsLimits: Sendable, Hashable {
  /// The most columns a file may have.
  public var maxColumns = 1_000
  /// The longest value kept in full; longer values are read as strings, their prefix kept
  /// for the minimum.
  public var maxValueBytes = 64 * 1024
  /// The longest string minimum or maximum recorded. A longer minimum is cut (still a lower
  /// bound); a longer maximum is dropped (a cut one would not bound).
  public var maxStatisticBytes = 256
  /// How deep JSON values may nest.
  public var maxDepth = 64
  /// The longest JSON line.
  public var maxLineBytes = 16 << 20
  /// The most bytes a gzip-compressed file may inflate to (64 GiB); past it the file is
  /// reported, not read further. Memory does not depend on it (inflating streams); it bounds
  /// the time a decompression bomb can hold the indexer: deflate packs up to about 1,000
  /// inflated bytes into one, so a 64 MiB upload could otherwise keep it busy for hours. At
  /// the 157-165 MB/s of inflated CSV measured on 2 cores (Docs/performance.md) 64 GiB is about
  /// 7 minutes of one thread (a plain 64 GiB CSV takes 5), and far above the inflated size
  /// of ordinary gzip exports.
  public var maxInflatedBytes: Int64 = 64 << 30

  public init() {}
}

/// Why a text table could not be read: what and where (1-based line).
public struct TextStatisticsError: Error, Sendable, Hashable, CustomStringConvertible {
  public var message: String
  public var line: Int64

  public init(_ message: String, line: Int64) {
    self.message = message
    self.line = line
  }

  public var description: String { "line \(line): \(message)" }
}

/// The kinds of value a column sees: CSV fields are text that may read as numbers or dates;
/// JSON separates strings from numbers.
enum ValueKind {
  case text
  case jsonString
  case jsonNumber
  case jsonLiteral
  case nested
}

/// Running statistics of one column, in bounded memory.
struct ColumnAccumulator {
  var nulls: Int64 = 0
  private var values: Int64 = 0
  private var nested = false
  private var integer: (Bool, Int64, Int64) = (true, .max, .min)
  private var decimal: (Bool, Double, Double) = (true, .infinity, -.infinity)
  private var date: (Bool, Int64, Int64) = (true, .max, .min)
  private var timestamp: (Bool, Int64, Int64) = (true, .max, .min)
  private var stringMin: [UInt8]?
  private var stringMax: [UInt8]?
  /// The first 16 bytes of `stringMin` and `stringMax` (``Prefix``): most values differ from
  /// both within them, and are then placed without a comparison of their own.
  private var minPrefix = Prefix()
  private var maxPrefix = Prefix()
  private var maxUnknown = false

  mutating func addNull() { nulls += 1 }

  /// Adds one value; `truncated` says `bytes` is only the value's prefix.
  mutating func add(
    _ bytes: UnsafeBufferPointer<UInt8>, kind: ValueKind, truncated: Bool,
    limits: TextStatisticsLimits
  ) {
    values += 1
    if kind == .nested {
      nested = true
      return
    }
    let numeric = kind == .text || kind == .jsonNumber
    let temporal = kind == .text || kind == .jsonString
    var whole: Int64?
    var parsed = false  // the value read as a number, a date or a timestamp: it is ASCII
    if integer.0 {
      if numeric, !truncated, let value = ISOText.integer(bytes: bytes) {
        integer = (true, min(integer.1, value), max(integer.2, value))
        whole = value
        parsed = true
      } else {
        integer.0 = false
      }
    }
    if decimal.0 {
      // A whole number is its own decimal: no second parse (and no strtod).
      if numeric, !truncated, let value = whole.map(Double.init) ?? ISOText.decimal(bytes: bytes) {
        decimal = (true, min(decimal.1, value), max(decimal.2, value))
        parsed = true
      } else {
        decimal.0 = false
      }
    }
    var day: Int64?
    if date.0 {
      if temporal, !truncated, let value = ISOText.date(bytes: bytes) {
        date = (true, min(date.1, value), max(date.2, value))
        day = value
        parsed = true
      } else {
        date.0 = false
      }
    }
    if timestamp.0 {
      // A date is its own timestamp (midnight UTC): no second parse.
      if temporal, !truncated,
        let value = day.map({ $0 * 86_400_000_000 }) ?? ISOText.timestamp(bytes: bytes)
      {
        timestamp = (true, min(timestamp.1, value), max(timestamp.2, value))
        parsed = true
      } else {
        timestamp.0 = false
      }
    }
    // Compared as the text the catalog stores: invalid UTF-8 repaired first.
    if parsed || bytes.allSatisfy({ $0 < 0x80 }) {
      addText(bytes, truncated: truncated, limits: limits)
    } else {
      Array(String(decoding: bytes, as: UTF8.self).utf8).withUnsafeBufferPointer { text in
        addText(text, truncated: truncated, limits: limits)
      }
    }
  }

  /// Takes valid UTF-8 `text` into the string minimum and maximum, copying it only when it
  /// becomes one.
  private mutating func addText(
    _ text: UnsafeBufferPointer<UInt8>, truncated: Bool, limits: TextStatisticsLimits
  ) {
    let cut = text.count > limits.maxStatisticBytes
    var kept = text
    if cut {
      // Cut at a character boundary, so the prefix stays valid UTF-8 and below the value.
      var end = max(0, limits.maxStatisticBytes)
      while end > 0, text[end] & 0xC0 == 0x80 { end -= 1 }
      kept = UnsafeBufferPointer(rebasing: text[..<end])
    }
    let prefix = Prefix(kept)
    var below = true
    if let stringMin {
      below =
        prefix < minPrefix
        || (prefix == minPrefix && stringMin.withUnsafeBufferPointer { Self.precedes(kept, $0) })
    }
    if below {
      stringMin = Array(kept)
      minPrefix = prefix
    }
    if cut || truncated {
      maxUnknown = true
      return
    }
    var above = true
    if let stringMax {
      above =
        maxPrefix < prefix
        || (prefix == maxPrefix && stringMax.withUnsafeBufferPointer { Self.precedes($0, kept) })
    }
    if above {
      stringMax = Array(kept)
      maxPrefix = prefix
    }
  }

  /// A text's first 16 bytes as two big-endian words, zero-padded: when two prefixes
  /// differ, the texts compare as their prefixes do (a text is only ever padded where the
  /// other has a byte, or ends too); when they are equal, the texts must be compared.
  struct Prefix: Comparable {
    var high: UInt64 = 0
    var low: UInt64 = 0

    init() {}

    init(_ text: UnsafeBufferPointer<UInt8>) {
      var shift: UInt64 = 56
      for index in 0..<min(8, text.count) {
        high |= UInt64(text[index]) &<< shift
        shift &-= 8
      }
      shift = 56
      for index in min(8, text.count)..<min(16, text.count) {
        low |= UInt64(text[index]) &<< shift
        shift &-= 8
      }
    }

    static func < (lhs: Prefix, rhs: Prefix) -> Bool {
      lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }
  }

  /// Byte order, a prefix first: `lexicographicallyPrecedes` without its generic iteration.
  private static func precedes(
    _ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    for index in 0..<min(lhs.count, rhs.count) where lhs[index] != rhs[index] {
      return lhs[index] < rhs[index]
    }
    return lhs.count < rhs.count
  }

  func summary(name: String) -> ColumnSummary {
    let scalar = values > 0 && !nested
    if nested {
      return ColumnSummary(name: name, type: "json", min: nil, max: nil, nullCount: nulls)
    }
    if scalar, integer.0 {
      return ColumnSummary(
        name: name, type: "integer", min: .integer(integer.1), max: .integer(integer.2),
        nullCount: nulls)
    }
    if scalar, decimal.0 {
      return ColumnSummary(
        name: name, type: "decimal", min: .decimal(decimal.1), max: .decimal(decimal.2),
        nullCount: nulls)
    }
    if scalar, date.0 {
      return ColumnSummary(
        name: name, type: "date", min: .date(date.1), max: .date(date.2), nullCount: nulls)
    }
    if scalar, timestamp.0 {
      return ColumnSummary(
        name: name, type: "timestamp", min: .timestamp(timestamp.1), max: .timestamp(timestamp.2),
        nullCount: nulls)
    }
    return ColumnSummary(
      name: name, type: "string",
      min: stringMin.map { .string(String(decoding: $0, as: UTF8.self)) },
      max: maxUnknown ? nil : stringMax.map { .string(String(decoding: $0, as: UTF8.self)) },
      nullCount: nulls)
  }
}
