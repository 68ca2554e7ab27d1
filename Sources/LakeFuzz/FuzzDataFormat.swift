import LakeQuery

/// `data-format`: `FormatGuess.detect` on any bytes, as a whole object and as a cut-off head.
///
/// The first line is the key; the rest of the input is the object's first bytes.
///
/// Invariants: Parquet when the bytes start with `PAR1`, otherwise only for a key ending in
/// `.parquet`; gzip exactly when they start with `1f 8b`; a CSV, TSV or JSON-lines guess without gzip means bytes without NUL; the
/// content type is never empty; the guess for a head longer than `sniffLength` is the guess
/// for its first `sniffLength` bytes.
let dataFormatTarget = FuzzTarget(
  name: "data-format",
  summary: "FormatGuess.detect: Parquet, gzip, CSV/TSV, JSON lines, magic numbers, text",
  run: { data in
    let bytes = Array(data)
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
    let key = fuzzText(bytes[..<newline])
    let head = bytes[(newline == bytes.endIndex ? newline : newline + 1)...]
    for complete in [true, false] {
      let guess = FormatGuess.detect(key: key, head: head, complete: complete)
      let magic = head.starts(with: Array("PAR1".utf8))
      fuzzCheck(
        magic ? guess.format == .parquet : true, "\(guess.format) for \(Array(head.prefix(4)))")
      fuzzCheck(
        guess.format != .parquet || magic || key.lowercased().hasSuffix(".parquet"),
        "parquet without magic or suffix")
      fuzzCheck(guess.gzip == head.starts(with: [0x1F, 0x8B]), "gzip \(guess.gzip)")
      if [.csv, .tsv, .jsonLines].contains(guess.format), !guess.gzip {
        fuzzCheck(!head.prefix(FormatGuess.sniffLength).contains(0), "text with a NUL byte")
      }
      fuzzCheck(!guess.contentType.isEmpty, "empty content type")
      let doubled = Array(head) + Array(head)
      if doubled.count > FormatGuess.sniffLength {
        fuzzCheck(
          FormatGuess.detect(key: key, head: doubled, complete: false)
            == FormatGuess.detect(
              key: key, head: doubled.prefix(FormatGuess.sniffLength), complete: false),
          "guess depends on bytes past sniffLength")
      }
    }
  })
