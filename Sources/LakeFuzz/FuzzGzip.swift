import CZlib
import LakeQuery

/// `gzip`: the streaming inflater and the gzip table reader on any bytes, read as a gzip
/// stream and, deflated by zlib, as the content of one.
///
/// Invariants: inflating whole and in pieces of 1, 7 and an input-derived size gives the
/// same bytes and the same error; the inflated total never exceeds the limit and a stream
/// past it fails with `tooLarge`; every error has a message; the input deflated (at an
/// input-derived level) inflates back to itself, twice as two members, and any proper prefix
/// of one member fails as `truncated`; the table reader on that member decides the format
/// `FormatGuess.detect` decides on the plain input and reads the table the plain scanner
/// reads (or fails the same way).
let gzipTarget = FuzzTarget(
  name: "gzip",
  summary: "GzipInflater (multi-member, limits, errors) and GzipTableReader: round trips",
  run: { data in
    let bytes = Array(data)
    let limit: Int64 = 1 << 20
    let pieces = [bytes.count + 1, 1, 7, 1 + Int(fuzzHash(bytes) % 64)]
    let runs = pieces.map { inflateAll(bytes, piece: $0, limit: limit) }
    for run in runs {
      fuzzCheck(run == runs[0], "piece size changed the result")
    }
    switch runs[0] {
    case .success(let output):
      fuzzCheck(Int64(output.count) <= limit, "inflated past the limit")
      if !output.isEmpty {
        guard
          case .failure(let error) = inflateAll(bytes, piece: 512, limit: Int64(output.count - 1))
        else { return fuzzCheck(false, "one byte under the limit inflated") }
        fuzzCheck(error.code == .tooLarge, "one byte under the limit: \(error)")
      }
    case .failure(let error):
      fuzzCheck(!error.message.isEmpty, "an error without a message")
    }

    // The input as the content of a gzip stream.
    let level = Int32(fuzzHash(bytes.reversed()) % 10)
    guard let member = fuzzDeflate(bytes, level: level) else { return }
    let room = Int64(2 * bytes.count)
    fuzzCheck(inflateAll(member, piece: 4096, limit: room) == .success(bytes), "round trip")
    fuzzCheck(
      inflateAll(member + member, piece: 1 + bytes.count / 3, limit: room)
        == .success(bytes + bytes), "two members")
    let cut = Int(fuzzHash(bytes) % UInt64(member.count))
    if case .failure(let error) = inflateAll(Array(member[..<cut]), piece: 3, limit: room) {
      fuzzCheck(error.code == .truncated, "a prefix failed as \(error.code): \(error)")
    } else {
      fuzzCheck(false, "a proper prefix of \(cut) bytes inflated")
    }
    checkTableReader(member, plain: bytes)
  })

/// Inflates `compressed` fed in pieces of `piece` bytes, up to `limit` inflated bytes.
private func inflateAll(_ compressed: [UInt8], piece: Int, limit: Int64) -> Result<
  [UInt8], GzipError
> {
  let made = Result { () throws(GzipError) in
    try GzipInflater(maxInflatedBytes: limit, outputCapacity: 1 + piece % 5000)
  }
  guard case .success(let inflater) = made else {
    fuzzCheck(false, "zlib could not start")
    return .failure(GzipError(.resources, "zlib could not start"))
  }
  var output: [UInt8] = []
  var start = 0
  while start < compressed.count {
    let end = start + min(piece, compressed.count - start)
    let step = compressed[start..<end].withUnsafeBytes { buffer in
      Result { () throws(GzipInflateError<Never>) in
        try inflater.inflate(buffer) { output.append(contentsOf: $0) }
      }
    }
    if case .failure(.gzip(let error)) = step {
      fuzzCheck(Int64(output.count) <= limit, "output past the limit before the error")
      return .failure(error)
    }
    start = end
  }
  fuzzCheck(inflater.inflatedBytes == Int64(output.count), "inflated count")
  fuzzCheck(inflater.compressedBytes == Int64(compressed.count), "compressed count")
  return Result { () throws(GzipError) in
    try inflater.finish()
    return output
  }
}

/// The table reader on `member` (the gzip of `plain`) agrees with reading `plain` directly.
private func checkTableReader(_ member: [UInt8], plain: [UInt8]) {
  var limits = TextStatisticsLimits()
  limits.maxColumns = 64
  limits.maxValueBytes = 512
  limits.maxLineBytes = 1 << 16
  let made = Result { () throws(GzipError) in try GzipTableReader(key: "f.gz", limits: limits) }
  guard case .success(let reader) = made else { return }
  let read = Result { () throws(GzipTableError) in
    try reader.consume(member[...])
    return try reader.finish()
  }
  let expected = FormatGuess.detect(
    key: "f", head: plain.prefix(FormatGuess.sniffLength),
    complete: plain.count <= FormatGuess.sniffLength)
  let plainTable: Result<TableSummary, TextStatisticsError>?
  switch expected.format {
  case .csv, .tsv:
    var scanner = DelimitedScanner(
      delimiter: expected.delimiter ?? UInt8(ascii: ","), limits: limits)
    plainTable = Result { () throws(TextStatisticsError) in
      try scanner.consume(plain[...])
      return try scanner.finish()
    }
  case .jsonLines:
    var scanner = JSONLinesScanner(limits: limits)
    plainTable = Result { () throws(TextStatisticsError) in
      try scanner.consume(plain[...])
      return try scanner.finish()
    }
  default:
    plainTable = nil
  }
  switch (read, plainTable) {
  case (.success(let got), nil):
    fuzzCheck(got.format == .gzipUnstructured && got.table == nil, "no table expected: \(got)")
  case (.success(let got), .success(let table)?):
    fuzzCheck(got.format.format == expected.format, "format \(got.format) vs \(expected)")
    fuzzCheck(got.format.delimiter == expected.delimiter, "delimiter")
    fuzzCheck(got.table == table, "the table differs from the plain file's")
  case (.failure(.table(let error)), .failure(let plainError)?):
    fuzzCheck(error == plainError, "errors differ: \(error) vs \(plainError)")
  case (.failure(let error), _):
    fuzzCheck(false, "the reader failed on a whole member: \(error)")
  case (.success, .failure(let plainError)?):
    fuzzCheck(false, "the reader read what the plain scanner refuses: \(plainError)")
  }
}

/// `bytes` as one gzip member; nil when zlib cannot allocate.
func fuzzDeflate(_ bytes: [UInt8], level: Int32) -> [UInt8]? {
  let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
  stream.initialize(to: z_stream())
  defer { stream.deallocate() }
  guard lakestore_deflate_init_gzip(stream, level) == Z_OK else { return nil }
  defer { deflateEnd(stream) }
  var input = bytes
  var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(bytes.count))) + 64)
  let code = input.withUnsafeMutableBufferPointer { inBuffer in
    output.withUnsafeMutableBufferPointer { outBuffer in
      stream.pointee.next_in = inBuffer.baseAddress
      stream.pointee.avail_in = UInt32(inBuffer.count)
      stream.pointee.next_out = outBuffer.baseAddress
      stream.pointee.avail_out = UInt32(outBuffer.count)
      return deflate(stream, Z_FINISH)
    }
  }
  fuzzCheck(code == Z_STREAM_END, "deflate returned \(code)")
  return Array(output[..<Int(stream.pointee.total_out)])
}
