/// Reads a gzip-compressed CSV, TSV or JSON-lines file as its compressed bytes stream past:
/// inflates them (``GzipInflater``), decides the inner format from the first
/// ``FormatGuess/sniffLength`` inflated bytes exactly as ``FormatGuess/detect(key:head:complete:)``
/// decides it for a plain file (the key's suffix without `.gz` where the bytes cannot tell),
/// and feeds the inflated bytes to a ``DelimitedScanner`` or ``JSONLinesScanner``.
///
/// Memory is bounded by the inflater, the sniffed head and the scanner's own limits. A stream
/// whose inner bytes are no table (other text, binary, a nested gzip, a Parquet file) is
/// reported as such once its head is seen (``isTable`` false) and the rest need not be read.
/// Not thread-safe: one owner feeds it in order.
public final class GzipTableReader {
  /// The format read from the inflated head, gzip set: nil until the head is complete (or the
  /// stream ended, or failed, before it was).
  public private(set) var format: FormatGuess?
  /// The inflater, for its counts.
  public let inflater: GzipInflater

  private let key: String
  private let limits: TextStatisticsLimits
  private var head: [UInt8] = []
  private var scanner: (any TextTableScanner)?

  /// A reader for the object `key` (its suffix names the inner format where the bytes cannot
  /// tell: `events.jsonl.gz`). Throws when zlib cannot start.
  public init(key: String, limits: TextStatisticsLimits = .init()) throws(GzipError) {
    self.key = key
    self.limits = limits
    inflater = try GzipInflater(maxInflatedBytes: limits.maxInflatedBytes)
  }

  /// True when the inner bytes are a table, false when they are not; nil while undecided.
  public var isTable: Bool? { format.map { $0.format != .unstructured } }

  /// Reads the next compressed bytes. Once ``isTable`` is false they are still inflated (and
  /// checked) but go nowhere; callers may stop reading instead.
  public func consume(_ compressed: UnsafeRawBufferPointer) throws(GzipTableError) {
    let result = Result { () throws(GzipInflateError<TextStatisticsError>) in
      try inflater.inflate(compressed) { (piece) throws(TextStatisticsError) in
        try take(piece)
      }
    }
    if case .failure(let error) = result {
      if format == nil { decide(complete: false) }
      throw Self.tableError(error)
    }
  }

  /// Reads the next compressed bytes.
  public func consume(_ compressed: ArraySlice<UInt8>) throws(GzipTableError) {
    let result = compressed.withUnsafeBytes { buffer in
      Result { () throws(GzipTableError) in try consume(buffer) }
    }
    try result.get()
  }

  /// Ends the stream: the format, and the table when the inner bytes are one. Throws when the
  /// stream stopped inside a member or the table's end does not parse; ``format`` is set
  /// either way.
  public func finish() throws(GzipTableError) -> (format: FormatGuess, table: TableSummary?) {
    let ended = Result { () throws(GzipError) in try inflater.finish() }
    if format == nil {
      let complete: Bool
      if case .success = ended { complete = true } else { complete = false }
      let pending = decide(complete: complete)
      if case .success = ended, case .failure(let error) = pending { throw .table(error) }
    }
    if case .failure(let error) = ended { throw .gzip(error) }
    guard let format else { return (FormatGuess.gzipUnstructured, nil) }
    guard scanner != nil else { return (format, nil) }
    let table = Result { () throws(TextStatisticsError) in try scanner!.finish() }
    switch table {
    case .success(let summary): return (format, summary)
    case .failure(let error): throw .table(error)
    }
  }

  /// Takes one inflated piece: into the head until the format is decided, then to the scanner.
  private func take(_ piece: UnsafeRawBufferPointer) throws(TextStatisticsError) {
    if format == nil {
      head.append(contentsOf: piece)
      // Decided as for a plain file: a head of exactly `sniffLength` bytes may be the whole.
      if head.count > FormatGuess.sniffLength { try decide(complete: false).get() }
      return
    }
    if scanner != nil { try scanner!.consume(piece) }
  }

  /// Decides the format from the head, starts the scanner and feeds it the head.
  @discardableResult
  private func decide(complete: Bool) -> Result<Void, TextStatisticsError> {
    let innerKey = key.lowercased().hasSuffix(".gz") ? String(key.dropLast(3)) : key
    let guess = FormatGuess.detect(key: innerKey, head: head, complete: complete)
    var decided = FormatGuess.gzipUnstructured
    if !guess.gzip {
      switch guess.format {
      case .csv, .tsv:
        decided = FormatGuess(
          format: guess.format, gzip: true, contentType: decided.contentType,
          delimiter: guess.delimiter)
        let tab = UInt8(ascii: "\t")
        scanner = DelimitedScanner(
          delimiter: guess.delimiter ?? (guess.format == .tsv ? tab : UInt8(ascii: ",")),
          limits: limits)
      case .jsonLines:
        decided = FormatGuess(format: .jsonLines, gzip: true, contentType: decided.contentType)
        scanner = JSONLinesScanner(limits: limits)
      case .parquet, .unstructured:
        break
      }
    }
    format = decided
    let held = head
    head = []
    guard scanner != nil else { return .success(()) }
    return Result { () throws(TextStatisticsError) in try scanner!.consume(held[...]) }
  }

  private static func tableError(_ error: GzipInflateError<TextStatisticsError>) -> GzipTableError {
    switch error {
    case .gzip(let gzip): .gzip(gzip)
    case .output(let table): .table(table)
    }
  }
}

extension FormatGuess {
  /// A gzip stream whose inner bytes are no table LakeStore reads.
  public static let gzipUnstructured = FormatGuess(
    format: .unstructured, gzip: true, contentType: "application/gzip")
}
