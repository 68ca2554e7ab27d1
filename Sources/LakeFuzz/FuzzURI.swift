import LakeS3

/// `uri`: percent-decoding, query parsing and the SigV4 canonical forms built on them.
///
/// The input is decoded as a path (`+` kept) and as a query piece (`+` is a space), parsed as a
/// raw query string, and taken as raw bytes to encode. Invariants: `decode` agrees with
/// `decodeBytes` plus UTF-8 validation; encoding any bytes (slash kept or not) gives only
/// unreserved characters, `%XY` and (when kept) `/`, and decodes back to the same bytes either
/// way `+` is read; a parsed query, re-encoded, parses to the same pairs; the canonical URI and
/// the canonical query are fixed points (canonicalising them again changes nothing), and the
/// canonical query taken from the raw text (when it already is canonical) equals the one built
/// from the pairs; hex encoding round-trips.
let uriTarget = FuzzTarget(
  name: "uri",
  summary: "URIEncoding decode/encode/parseQuery round trips; SigV4 canonical URI and query",
  run: { data in
    let bytes = Array(data)
    let text = fuzzText(bytes)

    for plusIsSpace in [false, true] {
      let decodedBytes = URIEncoding.decodeBytes(text, plusIsSpace: plusIsSpace)
      let decoded = URIEncoding.decode(text, plusIsSpace: plusIsSpace)
      let expected = decodedBytes.flatMap { String(validating: $0, as: UTF8.self) }
      fuzzCheck(decoded == expected, "decode disagrees with decodeBytes")
      if let decodedBytes {
        fuzzCheck(decodedBytes.count <= text.utf8.count, "decoding grew the text")
      }
      // Encoding then decoding gives the bytes back.
      for keepSlash in [false, true] {
        let encoded = URIEncoding.encode(bytes, keepSlash: keepSlash)
        fuzzCheck(
          encoded.utf8.allSatisfy { byte in
            isUnreservedByte(byte) || byte == UInt8(ascii: "%")
              || (keepSlash && byte == UInt8(ascii: "/")) || isUpperHexDigit(byte)
          }, "encode left a reserved byte in \(encoded)")
        fuzzCheck(
          URIEncoding.decodeBytes(encoded, plusIsSpace: plusIsSpace) == bytes,
          "encode/decode did not round-trip")
      }
    }

    // Query strings.
    if let pairs = URIEncoding.parseQuery(text) {
      let rebuilt = pairs.map {
        URIEncoding.encode($0.name, keepSlash: false) + "="
          + URIEncoding.encode($0.value, keepSlash: false)
      }.joined(separator: "&")
      let again = URIEncoding.parseQuery(rebuilt)
      fuzzCheck(again.map { equalPairs($0, pairs) } ?? false, "query did not round-trip")
      let canonical = SigV4.canonicalQuery(pairs)
      // The fast path from the raw query, where it applies, gives the same string.
      if let fast = SigV4.canonicalQuery(raw: text) {
        fuzzCheck(fast == canonical, "raw canonical query \(fast) != \(canonical)")
      }
      if let first = pairs.first?.name, let fast = SigV4.canonicalQuery(raw: text, excluding: first)
      {
        let slow = SigV4.canonicalQuery(pairs, excluding: [first])
        fuzzCheck(fast == slow, "raw canonical query less \(first): \(fast) != \(slow)")
      }
      let reparsed = URIEncoding.parseQuery(canonical)
      fuzzCheck(reparsed != nil, "canonical query does not parse: \(canonical)")
      if let reparsed {
        fuzzCheck(SigV4.canonicalQuery(reparsed) == canonical, "canonical query not a fixed point")
        fuzzCheck(reparsed.count == pairs.count, "canonical query changed the pair count")
      }
    }

    // Canonical URI.
    if let canonical = SigV4.canonicalURI(rawPath: text) {
      fuzzCheck(SigV4.canonicalURI(rawPath: canonical) == canonical, "canonical URI not fixed")
    } else {
      fuzzCheck(URIEncoding.decodeBytes(text, plusIsSpace: false) == nil, "canonicalURI nil")
    }

    // Hex.
    fuzzCheck(Hex.decode(Hex.encode(bytes)) == bytes, "hex did not round-trip")
    if let raw = Hex.decode(text) {
      fuzzCheck(Hex.encode(raw) == text.lowercased(), "hex decode/encode changed the text")
    }
  })

func equalPairs(_ a: [(name: String, value: String)], _ b: [(name: String, value: String)]) -> Bool
{
  a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.value == $1.value }
}

func isUnreservedByte(_ byte: UInt8) -> Bool {
  switch byte {
  case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
    UInt8(ascii: "_"), UInt8(ascii: "~"):
    return true
  default:
    return false
  }
}

func isUpperHexDigit(_ byte: UInt8) -> Bool {
  (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
}
