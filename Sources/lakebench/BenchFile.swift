import Glibc
import LakeQuery

/// What one statistics extraction of a file gave.
enum Extraction {
  /// `kind` is `csv`, `tsv`, `jsonl`, `parquet` or `gzip+csv` (and so on); `inflated` is the
  /// inflated size of a gzip file.
  case extracted(kind: String, rows: Int64, columns: Int, inflated: Int64?)
  /// Not a table the indexer reads.
  case skipped(String)
  /// The file did not read or parse.
  case failed(String)
}

/// One open file of `lakebench extract`, read the way the indexer's `FileExaminer` reads an
/// object: the first `FormatGuess.sniffLength` bytes decide the format, then the whole file
/// streams through a scanner in reads of the buffer's size (1 MiB), or only the Parquet tail
/// and footer are read.
struct BenchFile {
  let path: String
  let descriptor: Int32
  let size: Int64

  /// Reads the whole file into `buffer`, again and again; returns the bytes read.
  func readAll(into buffer: UnsafeMutableRawBufferPointer) -> Int64 {
    var offset: Int64 = 0
    while offset < size, let count = read(into: buffer, at: offset), count > 0 {
      offset += Int64(count)
    }
    return offset
  }

  /// Extracts the file's statistics; the rows counted are returned for checking.
  func extract(buffer: UnsafeMutableRawBufferPointer) -> Extraction {
    let head = UnsafeMutableRawBufferPointer(
      rebasing: buffer[..<Int(min(Int64(FormatGuess.sniffLength), size))])
    guard let headCount = read(into: head, at: 0) else { return .failed("unreadable") }
    let guess = FormatGuess.detect(
      key: path, head: head[..<headCount], complete: Int64(headCount) >= size)
    if guess.gzip { return extractGzip(buffer: buffer) }
    switch guess.format {
    case .csv, .tsv:
      let tab = UInt8(ascii: "\t")
      var scanner = DelimitedScanner(
        delimiter: guess.delimiter ?? (guess.format == .tsv ? tab : UInt8(ascii: ",")))
      return extractText(guess.format.rawValue, &scanner, buffer: buffer)
    case .jsonLines:
      var scanner = JSONLinesScanner()
      return extractText("jsonl", &scanner, buffer: buffer)
    case .parquet:
      return extractParquet()
    case .unstructured:
      return .skipped("not a table (\(guess.contentType))")
    }
  }

  private func extractText<Scanner: TextTableScanner>(
    _ kind: String, _ scanner: inout Scanner, buffer: UnsafeMutableRawBufferPointer
  ) -> Extraction {
    var offset: Int64 = 0
    while offset < size {
      guard let count = read(into: buffer, at: offset) else { return .failed("unreadable") }
      if count == 0 { break }
      let step = Result { () throws(TextStatisticsError) in
        try scanner.consume(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
      }
      if case .failure(let error) = step { return .failed(error.description) }
      offset += Int64(count)
    }
    switch Result(catching: { () throws(TextStatisticsError) in try scanner.finish() }) {
    case .success(let table):
      return .extracted(
        kind: kind, rows: table.rowCount, columns: table.columns.count, inflated: nil)
    case .failure(let error): return .failed(error.description)
    }
  }

  private func extractGzip(buffer: UnsafeMutableRawBufferPointer) -> Extraction {
    let made = Result { () throws(GzipError) in try GzipTableReader(key: path) }
    guard case .success(let reader) = made else { return .failed("zlib could not start") }
    var offset: Int64 = 0
    while offset < size, reader.isTable != false {
      guard let count = read(into: buffer, at: offset) else { return .failed("unreadable") }
      if count == 0 { break }
      let step = Result { () throws(GzipTableError) in
        try reader.consume(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
      }
      if case .failure(let error) = step { return .failed(error.description) }
      offset += Int64(count)
    }
    if reader.isTable == false { return .skipped("a gzip stream of no table") }
    switch Result(catching: { () throws(GzipTableError) in try reader.finish() }) {
    case .success(let read):
      guard let table = read.table else { return .skipped("a gzip stream of no table") }
      return .extracted(
        kind: "gzip+" + read.format.format.rawValue, rows: table.rowCount,
        columns: table.columns.count, inflated: reader.inflater.inflatedBytes)
    case .failure(let error):
      return .failed(error.description)
    }
  }

  private func extractParquet() -> Extraction {
    let tailLength = ParquetFooter.tailLength
    guard size >= Int64(tailLength + ParquetFooter.magic.count) else {
      return .failed("too short for Parquet")
    }
    var tail = [UInt8](repeating: 0, count: tailLength)
    let tailRead = tail.withUnsafeMutableBytes { read(into: $0, at: size - Int64(tailLength)) }
    guard tailRead == tailLength else { return .failed("the tail could not be read") }
    let result = Result { () throws(ParquetError) -> ParquetMetadata in
      let length = try ParquetFooter.footerLength(tail: tail, fileSize: Int(size))
      var footer = [UInt8](repeating: 0, count: length)
      let footerRead = footer.withUnsafeMutableBytes {
        read(into: $0, at: size - Int64(tailLength) - Int64(length))
      }
      guard footerRead == length else {
        throw ParquetError(.truncated, "the footer could not be read")
      }
      return try ParquetMetadata(footer: footer)
    }
    switch result {
    case .success(let metadata):
      return .extracted(
        kind: "parquet", rows: metadata.rowCount, columns: metadata.columnStatistics().count,
        inflated: nil)
    case .failure(let error):
      return .failed(error.message)
    }
  }

  /// `pread`s into `buffer` at `offset` until it is full or the file ends; nil on an error.
  private func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Int? {
    var filled = 0
    while filled < buffer.count {
      let count = pread(
        descriptor, buffer.baseAddress! + filled, buffer.count - filled,
        off_t(offset) + off_t(filled))
      if count < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if count == 0 { break }
      filled += count
    }
    return filled
  }
}
