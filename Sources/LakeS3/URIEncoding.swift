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
    appendEncoded(bytes, to: &out, keepSlash: keepSlash)
    return String(decoding: out, as: UTF8.self)
  }

  public static func encode(_ text: String, keepSlash: Bool) -> String {
    encode(text.utf8, keepSlash: keepSlash)
  }

  /// Appends `bytes` encoded as ``encode(_:keepSlash:)`` does to `out`.
  static func appendEncoded<Bytes: Sequence>(
    _ bytes: Bytes, to out: inout [UInt8], keepSlash: Bool
  ) where Bytes.Element == UInt8 {
    out.reserveCapacity(out.count + bytes.underestimatedCount)
    for byte in bytes {
      if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
        out.append(byte)
      } else {
        out.append(UInt8(ascii: "%"))
        out.append(upperHex[Int(byte >> 4)])
        out.append(upperHex[Int(byte & 0x0f)])
      }
    }
  }

  /// Decodes `%XY` escapes; `+` becomes a space only when `plusIsSpace` (query strings, as
  /// form encoding and most S3 servers treat it). Returns nil for a malformed escape.
  public static func decodeBytes<S: StringProtocol>(_ text: S, plusIsSpace: Bool) -> [UInt8]? {
    decodeBytes(bytes: text.utf8, plusIsSpace: plusIsSpace)
  }

  /// ``decodeBytes(_:plusIsSpace:)`` of UTF-8 bytes.
  static func decodeBytes<Bytes: Collection>(bytes: Bytes, plusIsSpace: Bool) -> [UInt8]?
  where Bytes.Element == UInt8 {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var iterator = bytes.makeIterator()
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
  ///
  /// Works on the UTF-8 bytes: this runs for every request (routing and SigV4 both use its
  /// result), and presigned URLs carry long escaped values.
  public static func parseQuery(_ raw: String?) -> [(name: String, value: String)]? {
    guard var raw, !raw.isEmpty else { return [] }
    raw.makeContiguousUTF8()
    if let pairs = raw.utf8.withContiguousStorageIfAvailable({ parseQuery($0) }) { return pairs }
    return Array(raw.utf8).withUnsafeBufferPointer { parseQuery($0) }
  }

  private static func parseQuery(_ bytes: UnsafeBufferPointer<UInt8>)
    -> [(name: String, value: String)]?
  {
    var pairs: [(name: String, value: String)] = []
    var start = 0
    while start < bytes.count {
      var end = start
      var equals = -1
      while end < bytes.count && bytes[end] != UInt8(ascii: "&") {
        if equals < 0 && bytes[end] == UInt8(ascii: "=") { equals = end }
        end += 1
      }
      if end > start {
        let nameEnd = equals < 0 ? end : equals
        let valueStart = equals < 0 ? end : equals + 1
        guard let name = decodeQueryComponent(bytes, start, nameEnd),
          let value = decodeQueryComponent(bytes, valueStart, end)
        else { return nil }
        pairs.append((name, value))
      }
      start = end + 1
    }
    return pairs
  }

  /// Decodes `bytes[start..<end]` of a query (`+` is a space); nil for a malformed escape or
  /// bytes that are not UTF-8.
  private static func decodeQueryComponent(
    _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
  ) -> String? {
    let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
    var plain = true
    for byte in slice where byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+") {
      plain = false
      break
    }
    // The input came from a String, so a slice without escapes cut at ASCII bytes is UTF-8.
    if plain { return String(decoding: slice, as: UTF8.self) }
    guard let out = decodeBytes(bytes: slice, plusIsSpace: true) else { return nil }
    return String(validating: out, as: UTF8.self)
  }
}
