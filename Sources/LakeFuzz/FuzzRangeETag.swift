import Foundation
import LakeS3

@testable import LakeServer

/// `range-etag`: the GetObject header parsers in `LakeServer`: `Range` (`ByteRange.parse`) and
/// the `If-Match` / `If-None-Match` lists (`ETag.listMatches`).
///
/// Input: the field value (the first line), then optionally an object size and an ETag on the
/// next lines (defaults: sizes 0, 1, 10, 1000 and the input-derived one; ETag
/// `d41d8cd98f00b204e9800998ecf8427e`).
///
/// Invariants: a satisfiable range lies inside the object (0 <= first <= last < size), an
/// empty object never has one; `*` matches any ETag, and an ETag of visible ASCII (as
/// LakeStore's are) matches itself quoted and weak. (Non-ASCII ETags need not: `"` followed
/// by a combining mark is one Character, so `hasPrefix("\"")` is false; harmless here.)
let rangeETagTarget = FuzzTarget(
  name: "range-etag",
  summary: "ByteRange.parse bounds for any size; ETag.listMatches",
  run: { data in
    let lines = fuzzLines(data)
    let value = fuzzFieldValue(lines[0])
    var sizes: [Int64] = [0, 1, 10, 1000, .max]
    if lines.count > 1, let size = Int64(fuzzText(lines[1])), size >= 0 { sizes.append(size) }
    for size in sizes {
      switch ByteRange.parse(value, size: size) {
      case .range(let first, let last):
        fuzzCheck(
          0 <= first && first <= last && last < size, "range \(first)-\(last) of size \(size)")
      case .ignore, .unsatisfiable: break
      }
    }
    let etag = lines.count > 2 ? fuzzText(lines[2]) : "d41d8cd98f00b204e9800998ecf8427e"
    _ = ETag.listMatches(value, etag: etag)
    _ = ETag.unquote(value)
    // LakeStore's own ETags are visible ASCII (hex digests): those must match when quoted.
    let visible = etag.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x2C }
    if visible && !etag.isEmpty && !etag.hasPrefix("W/") {
      fuzzCheck(ETag.listMatches("\"\(etag)\"", etag: etag), "quoted ETag does not match")
      fuzzCheck(ETag.listMatches("W/\"\(etag)\", x", etag: etag), "weak ETag does not match")
    }
    fuzzCheck(ETag.listMatches("*", etag: etag), "* does not match")
  })
