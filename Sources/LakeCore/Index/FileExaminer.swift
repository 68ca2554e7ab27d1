import LakeQuery

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads what the index records of one object version from its open file: the format from
/// its first bytes, and for structured files their schema and statistics.
enum FileExaminer {
  /// Examines `opened` (whose descriptor reads exactly the version `opened.info`).
  static func examine(_ opened: OpenedObject) -> LakeFileInfo {
    let info = opened.info
    var file = LakeFileInfo(
      bucket: info.bucket, key: info.key, sequence: info.sequence,
      path: DatasetPath(key: info.key), size: info.size,
      format: FormatGuess(
        format: .unstructured, gzip: false, contentType: "application/octet-stream"),
      status: .unstructured)
    let head: [UInt8]
    do throws(Errno) {
      head = try read(
        opened.descriptor, at: 0, count: Int(min(Int64(FormatGuess.sniffLength), info.size)))
    } catch {
      return unreadable(file, error.name)
    }
    file.format = FormatGuess.detect(
      key: info.key, head: head, complete: Int64(head.count) >= info.size)
    // A gzip stream's inner format is read from its inflated head, whatever the suffix says.
    if file.format.format == .unstructured, !file.format.gzip {
      file.status = .unstructured
      return file
    }
    do throws(ExamineError) {
      // A file no longer than the head is read from it, without a second read.
      try readTable(opened, into: &file, whole: Int64(head.count) >= info.size ? head : nil)
      file.status = file.format.format == .unstructured ? .unstructured : .indexed
    } catch {
      // A gzip stream that fails before its head names a table (and whose key names none)
      // is unstructured as far as anyone can tell.
      if file.format.format == .unstructured {
        file.status = .unstructured
      } else {
        file.status = .unparsed
        file.reason = error.reason
      }
    }
    return file
  }

  /// Why a structured file was not read; the reason is shown to users.
  struct ExamineError: Error {
    var reason: String
  }

  /// Reads the schema, row count and column statistics of a structured file.
  private static func readTable(
    _ opened: OpenedObject, into file: inout LakeFileInfo, whole: [UInt8]?
  ) throws(ExamineError) {
    if file.format.gzip {
      try readGzip(opened, into: &file, whole: whole)
      return
    }
    let table: TableSummary
    switch file.format.format {
    case .csv, .tsv:
      let tab = UInt8(ascii: "\t")
      var scanner = DelimitedScanner(
        delimiter: file.format.delimiter ?? (file.format.format == .tsv ? tab : UInt8(ascii: ",")))
      table = try stream(opened, through: &scanner, whole: whole)
    case .jsonLines:
      var scanner = JSONLinesScanner()
      table = try stream(opened, through: &scanner, whole: whole)
    case .parquet:
      try readParquet(opened, into: &file)
      return
    case .unstructured:
      return
    }
    record(table, in: &file)
  }

  private static func record(_ table: TableSummary, in file: inout LakeFileInfo) {
    file.rowCount = table.rowCount
    file.columns = table.columns.map {
      LakeColumn(name: $0.name, type: $0.type, min: $0.min, max: $0.max, nullCount: $0.nullCount)
    }
  }

  /// Reads a gzip-compressed file as it streams from disk: inflates it, takes the inner format
  /// from the inflated head (`file.format` is updated, still `gzip`), and scans a table. Stops
  /// reading as soon as the head shows no table. Memory stays bounded (``GzipTableReader``);
  /// the inflated size is capped by ``TextStatisticsLimits/maxInflatedBytes``.
  private static func readGzip(
    _ opened: OpenedObject, into file: inout LakeFileInfo, whole: [UInt8]?
  ) throws(ExamineError) {
    let reader: GzipTableReader
    do throws(GzipError) {
      reader = try GzipTableReader(key: file.key)
    } catch {
      throw ExamineError(reason: error.message)
    }
    let outcome = Result { () throws(ExamineError) -> TableSummary? in
      try readChunks(opened, whole: whole) { (chunk) throws(ExamineError) -> Bool in
        do throws(GzipTableError) {
          try reader.consume(chunk)
        } catch {
          throw ExamineError(reason: error.description)
        }
        return reader.isTable != false
      }
      if reader.isTable == false { return nil }
      do throws(GzipTableError) {
        return try reader.finish().table
      } catch {
        throw ExamineError(reason: error.description)
      }
    }
    if let format = reader.format { file.format = format }
    if let table = try outcome.get() { record(table, in: &file) }
  }

  /// Reads a Parquet file's footer (its last bytes only; never a data page): schema, row
  /// count, and each column's statistics merged over the row groups.
  private static func readParquet(_ opened: OpenedObject, into file: inout LakeFileInfo)
    throws(ExamineError)
  {
    let size = opened.info.size
    let tailLength = Int64(ParquetFooter.tailLength)
    guard size >= tailLength + Int64(ParquetFooter.magic.count) else {
      throw ExamineError(reason: "\(size) bytes are too few for a Parquet file")
    }
    do throws(ParquetError) {
      let tail = try readBytes(opened.descriptor, at: size - tailLength, count: Int(tailLength))
      let length = try ParquetFooter.footerLength(tail: tail, fileSize: Int(size))
      let footer = try readBytes(
        opened.descriptor, at: size - tailLength - Int64(length), count: length)
      let metadata = try ParquetMetadata(footer: footer)
      file.rowCount = metadata.rowCount
      file.columns = metadata.columnStatistics().map {
        LakeColumn(
          name: $0.column.name, type: $0.column.typeName, min: $0.min, max: $0.max,
          nullCount: $0.nullCount)
      }
    } catch {
      throw ExamineError(reason: error.message)
    }
  }

  /// `read` for the Parquet reader: a short read or an I/O error is a `ParquetError`.
  private static func readBytes(_ descriptor: Int32, at offset: Int64, count: Int)
    throws(ParquetError) -> [UInt8]
  {
    let bytes: [UInt8]
    do throws(Errno) {
      bytes = try read(descriptor, at: offset, count: count)
    } catch {
      throw ParquetError(.truncated, "the footer could not be read: \(error.name)")
    }
    guard bytes.count == count else {
      throw ParquetError(.truncated, "the file ended while reading its footer")
    }
    return bytes
  }

  /// Feeds the whole file to `scanner` in 1 MiB reads; memory stays bounded by the scanner.
  private static func stream<Scanner: TextTableScanner>(
    _ opened: OpenedObject, through scanner: inout Scanner, whole: [UInt8]?
  ) throws(ExamineError) -> TableSummary {
    try readChunks(opened, whole: whole) { (chunk) throws(ExamineError) -> Bool in
      do throws(TextStatisticsError) {
        try scanner.consume(chunk)
      } catch {
        throw ExamineError(reason: error.description)
      }
      return true
    }
    do throws(TextStatisticsError) {
      return try scanner.finish()
    } catch {
      throw ExamineError(reason: error.description)
    }
  }

  /// Hands the file to `body` in 1 MiB reads (or `whole`, the file already read, at once)
  /// until its end or until `body` returns false.
  private static func readChunks(
    _ opened: OpenedObject, whole: [UInt8]?,
    _ body: (ArraySlice<UInt8>) throws(ExamineError) -> Bool
  ) throws(ExamineError) {
    if let whole {
      _ = try body(whole[...])
      return
    }
    var buffer = [UInt8](repeating: 0, count: Int(min(opened.info.size, 1 << 20)))
    var offset: Int64 = 0
    while offset < opened.info.size {
      let result = buffer.withUnsafeMutableBytes { raw in
        Result { () throws(Errno) in try FileOps.read(opened.descriptor, into: raw, at: offset) }
      }
      guard case .success(let count) = result else {
        if case .failure(let error) = result {
          throw ExamineError(reason: "the file could not be read: \(error.name)")
        }
        break
      }
      if count == 0 { break }
      guard try body(buffer[..<count]) else { return }
      offset += Int64(count)
    }
  }

  /// The record of a version whose file could not be read (`cause` says why).
  static func unreadable(_ file: LakeFileInfo, _ cause: String) -> LakeFileInfo {
    var file = file
    file.status = .unparsed
    file.reason = "the file could not be read: \(cause)"
    return file
  }

  /// Up to `count` bytes at `offset`, fewer only at the end of the file.
  static func read(_ descriptor: Int32, at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    let result = bytes.withUnsafeMutableBytes { buffer in
      Result { () throws(Errno) in try FileOps.read(descriptor, into: buffer, at: offset) }
    }
    bytes.removeSubrange(try result.get()...)
    return bytes
  }
}
