/// Percent-encoding as S3 and SigV4 define it.
public enum URIEncoding {
  /// RFC 3986 unreserved characters, never encoded by SigV4's `UriEncode`.
  @inline(__always)
  static func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
      UInt8(ascii: "_"), UInt8(ascii: "~"):
      return true
    default:
      return false
    }
  }

  private static let upperHex = Array("0123456789ABCDEF".utf8)

  /// SigV4 `UriEncode`: every byte but the unreserved ones as `%XY` (uppercase hex); `/` is
  /// kept when `keepSlash` (object key paths) and encoded otherwise (query names and values).
  public static func encode<Bytes: Sequence>(_ bytes: Bytes, keepSlash: Bool) -> String
  where Bytes.Element == UInt8 {
    var out: [UInt8] = []
    for byte in bytes {
      if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
        out.append(byte)
      } else {
        out.append(UInt8(ascii: "%"))
        out.append(upperHex[Int(byte >> 4)])
        out.append(upperHex[Int(byte & 0x0f)])
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  public static func encode(_ text: String, keepSlash: Bool) -> String {
    encode(text.utf8, keepSlash: keepSlash)
  }

  /// Decodes `%XY` escapes; `+` becomes a space only when `plusIsSpace` (query strings, as
  /// form encoding and most S3 servers treat it). Returns nil for a malformed escape.
  public static func decodeBytes<S: StringProtocol>(_ text: S, plusIsSpace: Bool) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var iterator = text.utf8.makeIterator()
    while let byte = iterator.next() {
      if byte == UInt8(ascii: "%") {
        guard let h = iterator.next(), let l = iterator.next(), let hv = Hex.value(of: h),
          let lv = Hex.value(of: l)
        else { return nil }
        out.append(hv << 4 | lv)
      } else if plusIsSpace && byte == UInt8(ascii: "+") {
        out.append(UInt8(ascii: " "))
      } else {
        out.append(byte)
      }
    }
    return out
  }

  /// Decodes to a String; nil for a malformed escape or bytes that are not UTF-8.
  public static func decode<S: StringProtocol>(_ text: S, plusIsSpace: Bool) -> String? {
    let plain = !text.utf8.contains {
      $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+"))
    }
    if plain { return String(text) }  // already valid UTF-8: nothing to decode
    guard let bytes = decodeBytes(text, plusIsSpace: plusIsSpace) else { return nil }
    return String(validating: bytes, as: UTF8.self)
  }

  /// Splits a raw query string into decoded (name, value) pairs, in order. A name without `=`
  /// has the value "". Returns nil when an escape is malformed or not UTF-8.
  public static func parseQuery(_ raw: String?) -> [(name: String, value: String)]? {
    guard let raw, !raw.isEmpty else { return [] }
    var pairs: [(name: String, value: String)] = []
    for piece in raw.split(separator: "&", omittingEmptySubsequences: true) {
      let name: Substring
      let value: Substring
      if let eq = piece.firstIndex(of: "=") {
        name = piece[..<eq]
        value = piece[piece.index(after: eq)...]
      } else {
        name = piece
        value = ""
      }
      guard let decodedName = decode(name, plusIsSpace: true),
        let decodedValue = decode(value, plusIsSpace: true)
      else { return nil }
      pairs.append((decodedName, decodedValue))
    }
    return pairs
  }
}
