import LakeHTTP

/// `http-head`: the input is a byte stream as a client would send it (one or more pipelined
/// heads). It is fed to `HTTPRequestParser` whole, one byte at a time, and in pieces whose
/// sizes come from the input; after each complete head the rest is fed again as the next head
/// (bodies are not skipped: the harness only cares about head framing).
///
/// Invariants: the three feedings give the same heads at the same offsets and the same final
/// error; every head has a token method, a visible-ASCII target that `path` + `?` + `query`
/// rebuild, no more fields than the limit, and framing consistent with its fields. Run with
/// the default limits and with small ones (so the 400/431 limit paths are reached).
let httpHeadTarget = FuzzTarget(
  name: "http-head",
  summary: "HTTPRequestParser: whole vs byte-at-a-time vs split feeding agree; head invariants",
  run: { data in
    let bytes = Array(data)
    for limits in [HeadLimits.small, HeadLimits.standard] {
      let whole = feedHeads(bytes, pieces: [bytes.count], limits: limits)
      let single = feedHeads(bytes, pieces: Array(repeating: 1, count: bytes.count), limits: limits)
      fuzzCheck(
        whole == single, "whole vs byte-at-a-time differ:\n\(whole)\n---\n\(single)")
      var sizes: [Int] = []
      var hash = fuzzHash(bytes)
      var total = 0
      while total < bytes.count {
        let size = Int(hash % 29) + 1
        sizes.append(size)
        total += size
        hash = hash &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      }
      let split = feedHeads(bytes, pieces: sizes, limits: limits)
      fuzzCheck(whole == split, "whole vs split \(sizes) differ:\n\(whole)\n---\n\(split)")
    }
  })

struct HeadLimits {
  var line: Int
  var head: Int
  var count: Int
  static let standard = HeadLimits(line: 16 * 1024, head: 64 * 1024, count: 100)
  static let small = HeadLimits(line: 40, head: 160, count: 4)
}

/// What one feeding produced: the heads (summarised, with the stream offset where each ended)
/// and how it stopped.
struct HeadFeedResult: Equatable, CustomStringConvertible {
  var heads: [String] = []
  var failure: String?
  var description: String { (heads + [failure ?? "needMore"]).joined(separator: "\n") }
}

func feedHeads(_ bytes: [UInt8], pieces: [Int], limits: HeadLimits) -> HeadFeedResult {
  var parser = HTTPRequestParser(
    maxRequestLineBytes: limits.line, maxHeaderBytes: limits.head, maxHeaderCount: limits.count)
  var result = HeadFeedResult()
  var offset = 0
  for size in pieces {
    var piece = Array(bytes[offset..<min(bytes.count, offset + size)])
    let pieceStart = offset
    offset += piece.count
    var used = 0
    while true {
      let step = parser.parse(piece)
      switch step {
      case .needMore:
        break
      case .complete(let request, let consumed):
        fuzzCheck(consumed > 0 && consumed <= piece.count, "consumed \(consumed) of \(piece.count)")
        fuzzCheck(!parser.hasPartialHead, "parser not reset after a complete head")
        checkHead(request, limits: limits)
        used += consumed
        result.heads.append("@\(pieceStart + used) " + summarize(request))
        piece.removeFirst(consumed)
        if !piece.isEmpty { continue }
      case .failed(let error):
        fuzzCheck(
          [400, 431, 501, 505].contains(error.status), "unexpected status \(error.status)")
        // Once failed, the parser stays failed.
        if case .failed(let again) = parser.parse([0x0A]) {
          fuzzCheck(again == error, "a failed parser changed its error")
        } else {
          fuzzCheck(false, "a failed parser recovered")
        }
        result.failure = "\(error.status) \(error.reason)"
        return result
      }
      break
    }
  }
  return result
}

func summarize(_ request: HTTPParsedRequest) -> String {
  let head = request.head
  let fields = head.headers.map { "\($0.name): \($0.value)" }.joined(separator: " | ")
  return
    "\(head.method) \(head.target) \(head.version) [\(fields)] \(request.framing) "
    + "keepAlive=\(request.keepAlive) continue=\(request.expectsContinue)"
}

func checkHead(_ request: HTTPParsedRequest, limits: HeadLimits) {
  let head = request.head
  fuzzCheck(!head.method.isEmpty && head.method.utf8.allSatisfy(isTokenByte), "bad method")
  fuzzCheck(
    !head.target.isEmpty && head.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F },
    "bad target \(head.target)")
  fuzzCheck(
    head.path + (head.query.map { "?" + $0 } ?? "") == head.target,
    "path and query do not rebuild the target")
  fuzzCheck(head.version.major == 1, "version \(head.version)")
  fuzzCheck(head.headers.count <= limits.count, "more fields than the limit")
  for field in head.headers {
    fuzzCheck(!field.name.isEmpty && field.name.utf8.allSatisfy(isTokenByte), "bad field name")
    fuzzCheck(
      field.value.utf8.allSatisfy { ($0 >= 0x20 && $0 != 0x7F) || $0 == 0x09 },
      "control character in a field value")
    fuzzCheck(
      field.value.utf8.first.map { $0 != 0x20 && $0 != 0x09 } ?? true
        && field.value.utf8.last.map { $0 != 0x20 && $0 != 0x09 } ?? true,
      "field value not trimmed")
  }
  let hasTransferEncoding = head.headers.contains("transfer-encoding")
  switch request.framing {
  case .chunked:
    fuzzCheck(hasTransferEncoding, "chunked without Transfer-Encoding")
    fuzzCheck(head.version.minor >= 1, "chunked in HTTP/1.0")
    if head.headers.contains("content-length") {
      fuzzCheck(!request.keepAlive, "Content-Length with chunked must close")
    }
  case .length(let length):
    fuzzCheck(!hasTransferEncoding, "length framing despite Transfer-Encoding")
    fuzzCheck(length >= 0, "negative length")
    fuzzCheck(head.headers.contains("content-length"), "length without Content-Length")
  case .none:
    fuzzCheck(
      !hasTransferEncoding && !head.headers.contains("content-length"), "no framing despite fields")
  }
  if request.expectsContinue { fuzzCheck(head.version.minor >= 1, "100-continue in HTTP/1.0") }
}
