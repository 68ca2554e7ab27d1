/// What an object holds, as the catalog records it: a structured format it can read
/// statistics from, or unstructured bytes.
public enum DataFormat: String, Sendable, Hashable, CaseIterable {
  case parquet
  case csv
  case tsv
  /// JSON lines: one JSON object per line.
  case jsonLines = "jsonl"
  /// Anything else: images, logs, binaries.
  case unstructured
}

/// A format decided from an object's first bytes (and its key's suffix where the bytes cannot
/// tell), with the content type to report.
public struct FormatGuess: Sendable, Hashable {
  public var format: DataFormat
  /// True for a gzip stream; `format` is then what the key's inner suffix names
  /// (`part-0.csv.gz`), or `unstructured`.
  public var gzip: Bool
  public var contentType: String
  /// The field separator the first lines use, for delimited text read from its bytes
  /// (`,`, tab, `;` or `|`); nil otherwise.
  public var delimiter: UInt8?

  public init(format: DataFormat, gzip: Bool, contentType: String, delimiter: UInt8? = nil) {
    self.format = format
    self.gzip = gzip
    self.contentType = contentType
    self.delimiter = delimiter
  }

  /// How many leading bytes `detect` looks at; fewer are fine for small objects.
  public static let sniffLength = 8192

  /// Decides from `head` (the object's first bytes, up to ``sniffLength``) and, where the
  /// bytes cannot tell, from the key's suffix: the inner format of gzip streams, and a file
  /// named as structured (`.parquet` without Parquet's magic, `.csv`/`.tsv`/`.jsonl` text
  /// whose lines do not fit) is taken as that format, so reading it reports what is wrong
  /// instead of calling it unstructured. `complete` says that `head` is the whole object, so a
  /// last line without a newline is a whole line.
  public static func detect(key: String, head: some Collection<UInt8>, complete: Bool)
    -> FormatGuess
  {
    let bytes = Array(head.prefix(sniffLength))
    if bytes.starts(with: Array("PAR1".utf8)) {
      return FormatGuess(
        format: .parquet, gzip: false, contentType: "application/vnd.apache.parquet")
    }
    if bytes.starts(with: [0x1F, 0x8B]) {
      let name = key.lowercased()
      let inner = name.hasSuffix(".gz") ? Self.suffixFormat(String(name.dropLast(3))) : nil
      return FormatGuess(
        format: inner ?? .unstructured, gzip: true, contentType: "application/gzip")
    }
    for (magic, type) in Self.magics where bytes.starts(with: magic) {
      return FormatGuess(format: .unstructured, gzip: false, contentType: type)
    }
    let name = key.lowercased()
    if name.hasSuffix(".parquet") {
      return FormatGuess(
        format: .parquet, gzip: false, contentType: "application/vnd.apache.parquet")
    }
    guard let text = TextSample(bytes, complete: complete) else {
      return FormatGuess(
        format: .unstructured, gzip: false, contentType: "application/octet-stream")
    }
    if text.isJSONLines {
      return FormatGuess(format: .jsonLines, gzip: false, contentType: "application/x-ndjson")
    }
    if let delimiter = text.consistentDelimiter {
      return delimiter == UInt8(ascii: "\t")
        ? FormatGuess(
          format: .tsv, gzip: false, contentType: "text/tab-separated-values",
          delimiter: delimiter)
        : FormatGuess(format: .csv, gzip: false, contentType: "text/csv", delimiter: delimiter)
    }
    switch name.hasSuffix(".json") ? nil : Self.suffixFormat(name) {
    case .csv?: return FormatGuess(format: .csv, gzip: false, contentType: "text/csv")
    case .tsv?:
      return FormatGuess(format: .tsv, gzip: false, contentType: "text/tab-separated-values")
    case .jsonLines?:
      return FormatGuess(format: .jsonLines, gzip: false, contentType: "application/x-ndjson")
    default:
      return FormatGuess(
        format: .unstructured, gzip: false, contentType: "text/plain; charset=utf-8")
    }
  }

  /// The structured format a file name's suffix names, if any.
  static func suffixFormat(_ name: String) -> DataFormat? {
    if name.hasSuffix(".csv") { return .csv }
    if name.hasSuffix(".tsv") || name.hasSuffix(".tab") { return .tsv }
    if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") || name.hasSuffix(".json") {
      return .jsonLines
    }
    return nil
  }

  /// Leading bytes of common unstructured formats.
  static let magics: [([UInt8], String)] = [
    ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "image/png"),
    ([0xFF, 0xD8, 0xFF], "image/jpeg"),
    (Array("GIF87a".utf8), "image/gif"),
    (Array("GIF89a".utf8), "image/gif"),
    (Array("%PDF-".utf8), "application/pdf"),
    ([0x50, 0x4B, 0x03, 0x04], "application/zip"),
  ]
}

/// The first whole lines (at most ``maxLines``) of a text sample: UTF-8 without NUL bytes, a
/// BOM skipped. Only those lines decide the format; the scanners read the rest.
struct TextSample {
  /// The sample's bytes, and each kept line as a range of them (no line break, no CR).
  let bytes: [UInt8]
  let lines: [Range<Int>]
  /// The most lines looked at: enough to tell a table's shape, and the guess stays cheap
  /// for the many small files an ingestion job writes.
  static let maxLines = 64

  /// Nil unless `bytes` are text; a cut-off last line (when not `complete`) is dropped, as is
  /// a cut-off UTF-8 sequence at the end.
  init?(_ bytes: [UInt8], complete: Bool) {
    let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    let found = bytes.withUnsafeBufferPointer { buffer in
      Self.split(UnsafeBufferPointer(rebasing: buffer[start...]), complete: complete)
    }
    guard let found else { return nil }
    self.bytes = bytes
    lines = found.map { ($0.lowerBound + start)..<($0.upperBound + start) }
  }

  /// The kept lines of `body` (ranges into it), or nil when it is not text or keeps none.
  private static func split(_ body: UnsafeBufferPointer<UInt8>, complete: Bool) -> [Range<Int>]? {
    let (nul, ascii) = nulAndASCII(UnsafeRawBufferPointer(body))
    guard !nul else { return nil }  // binary, wherever in the sample
    var lines: [Range<Int>] = []
    var start = 0
    var end = 0  // where the kept lines end
    func keep(_ line: Range<Int>) {
      var line = line
      if line.upperBound > line.lowerBound, body[line.upperBound - 1] == UInt8(ascii: "\r") {
        line = line.lowerBound..<(line.upperBound - 1)
      }
      if !line.isEmpty { lines.append(line) }
    }
    var taken = 0
    var index = 0
    while taken < maxLines, index < body.count {
      if body[index] == UInt8(ascii: "\n") {
        keep(start..<index)
        taken += 1
        start = index + 1
        end = index
      }
      index += 1
    }
    if complete, taken < maxLines, start < body.count {
      keep(start..<body.count)  // the last line, without a line break
      taken += 1
      end = body.count
    }
    // One check over all the kept lines is a check of each (no UTF-8 sequence spans a LF).
    if !ascii, taken > 0 {
      let kept = UnsafeBufferPointer(rebasing: body[..<end])
      guard String(validating: kept, as: UTF8.self) != nil else { return nil }
    }
    return lines.isEmpty ? nil : lines
  }

  /// Whether `bytes` hold a NUL, and whether every byte is ASCII (then they are valid UTF-8
  /// without a check of their own): one pass, eight bytes at a time.
  static func nulAndASCII(_ bytes: UnsafeRawBufferPointer) -> (nul: Bool, ascii: Bool) {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    var high: UInt64 = 0
    var offset = 0
    while offset + 8 <= bytes.count {
      let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
      // Nonzero exactly when some byte of the word is 0 (the classic SWAR test).
      if (word &- ones) & ~word & highs != 0 { return (true, false) }
      high |= word
      offset += 8
    }
    while offset < bytes.count {
      let byte = bytes[offset]
      if byte == 0 { return (true, false) }
      high |= UInt64(byte)
      offset += 1
    }
    return (false, high & highs == 0)
  }

  /// Every line is a JSON object: it starts with `{` and ends with `}` after blanks, and its
  /// brackets and strings balance.
  var isJSONLines: Bool {
    bytes.withUnsafeBufferPointer { buffer in
      lines.allSatisfy { range in
        let line = UnsafeBufferPointer(rebasing: buffer[range])
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = line.first(where: { !blank($0) }),
          let last = line.last(where: { !blank($0) })
        else { return false }
        return first == UInt8(ascii: "{") && last == UInt8(ascii: "}") && Self.balanced(line)
      }
    }
  }

  /// `,`, `\t`, `;` or `|`, whichever splits every line (outside double quotes) into the same
  /// number of fields, at least two, over at least two lines.
  var consistentDelimiter: UInt8? {
    guard lines.count >= 2 else { return nil }
    return bytes.withUnsafeBufferPointer { buffer -> UInt8? in
      for delimiter in [
        UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: "|"),
      ] {
        let first = Self.fields(UnsafeBufferPointer(rebasing: buffer[lines[0]]), delimiter)
        guard first >= 2,
          lines.dropFirst().allSatisfy({
            Self.fields(UnsafeBufferPointer(rebasing: buffer[$0]), delimiter) == first
          })
        else { continue }
        return delimiter
      }
      return nil
    }
  }

  /// Fields of a CSV line split at `delimiter`, quotes respected; 0 when a quote is left open.
  static func fields(_ line: UnsafeBufferPointer<UInt8>, _ delimiter: UInt8) -> Int {
    var count = 1
    var quoted = false
    for byte in line {
      if byte == UInt8(ascii: "\"") {
        quoted.toggle()
      } else if byte == delimiter, !quoted {
        count += 1
      }
    }
    return quoted ? 0 : count
  }

  /// Brackets and braces nest and close outside strings (with `\` escapes).
  static func balanced(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    var stack: [UInt8] = []
    var inString = false
    var escaped = false
    for byte in line {
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["): stack.append(byte)
      case UInt8(ascii: "}"):
        guard stack.popLast() == UInt8(ascii: "{") else { return false }
      case UInt8(ascii: "]"):
        guard stack.popLast() == UInt8(ascii: "[") else { return false }
      default: break
      }
    }
    return stack.isEmpty && !inString
  }
}
