#if canImport(Glibc)
  import Glibc
#endif

/// One fuzz target: a pure function over bytes (no sockets, no clocks, no disk) that returns
/// normally for any input and stops the process (`fuzzCheck`) when an invariant breaks.
struct FuzzTarget: Sendable {
  /// The name `scripts/fuzz` takes, also the seed-corpus directory `Tests/Fuzz/corpus/<name>`.
  let name: String
  /// One line: what it feeds and what it asserts.
  let summary: String
  let run: @Sendable (UnsafeRawBufferPointer) -> Void
}

/// Stops the process with a message when an invariant does not hold. libFuzzer reports the
/// abort as a crash and saves the input (`-artifact_prefix`).
@inline(never)
func fuzzCheck(
  _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
  file: StaticString = #fileID, line: UInt = #line
) {
  if !condition() {
    let text = "fuzz invariant failed at \(file):\(line): \(message())\n"
    printError(text)
    abort()
  }
}

/// Set `LAKEFUZZ_VERBOSE=1` to have targets print what they decided for each input (useful
/// when replaying one input: `LakeFuzz TARGET FILE`).
let fuzzVerbose = getenv("LAKEFUZZ_VERBOSE") != nil

/// Writes `text` to standard error (unbuffered, so it precedes libFuzzer's crash report).
func printError(_ text: String) {
  var text = text
  text.withUTF8 { bytes in
    var offset = 0
    while offset < bytes.count {
      let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
      if written <= 0 { return }
      offset += written
    }
  }
}

/// Lines of an input: split at `\n`, the empty lines kept (so a field may be empty). A final
/// `\r` of each line is kept; targets decide what it means.
func fuzzLines(_ bytes: UnsafeRawBufferPointer) -> [ArraySlice<UInt8>] {
  Array(bytes).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
}

/// The bytes as a String (invalid UTF-8 replaced with U+FFFD), as the HTTP layer decodes them.
func fuzzText<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
  String(decoding: bytes, as: UTF8.self)
}

/// Bytes `0x21...0x7E` other than those in `excluded` are kept; every other byte is written as
/// `%XY`, so any input becomes a request-target piece the HTTP parser would accept.
func fuzzTargetPiece<Bytes: Sequence>(_ bytes: Bytes, excluding excluded: [UInt8]) -> String
where Bytes.Element == UInt8 {
  let hex = Array("0123456789ABCDEF".utf8)
  var out: [UInt8] = []
  for byte in bytes {
    if byte > 0x20 && byte < 0x7F && !excluded.contains(byte) {
      out.append(byte)
    } else {
      out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
    }
  }
  return String(decoding: out, as: UTF8.self)
}

/// A field value as the HTTP parser delivers it: tab, space, visible ASCII and obs-text only,
/// no whitespace at either end.
func fuzzFieldValue<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
  var kept = bytes.filter { ($0 >= 0x20 && $0 != 0x7F) || $0 == 0x09 }
  while let last = kept.last, last == 0x20 || last == 0x09 { kept.removeLast() }
  let start = kept.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? kept.endIndex
  return String(decoding: kept[start...], as: UTF8.self)
}

/// A field name as the HTTP parser accepts it (RFC 9110 `tchar` only); nil when none is left.
func fuzzFieldName<Bytes: Sequence>(_ bytes: Bytes) -> String? where Bytes.Element == UInt8 {
  let kept = bytes.filter(isTokenByte)
  return kept.isEmpty ? nil : String(decoding: kept, as: UTF8.self)
}

/// RFC 9110 `tchar`.
func isTokenByte(_ byte: UInt8) -> Bool {
  switch byte {
  case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
    UInt8(ascii: "0")...UInt8(ascii: "9"):
    return true
  default:
    return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
  }
}

/// A small deterministic mixer, for deriving choices (split points, sizes) from the input so
/// that a run is reproducible from its input alone.
func fuzzHash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in bytes {
    hash ^= UInt64(byte)
    hash &*= 0x100_0000_01b3
  }
  return hash
}
