import Crypto
import Foundation

/// AWS Signature Version 4 building blocks shared by the signer and the verifier.
///
/// See "Authenticating Requests (AWS Signature Version 4)" in the Amazon S3 API reference.
public enum SigV4 {
  public static let algorithm = "AWS4-HMAC-SHA256"
  public static let unsignedPayload = "UNSIGNED-PAYLOAD"
  /// SHA-256 of the empty string, the payload hash of bodiless requests.
  public static let emptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

  /// The canonical URI: the path decoded once, then encoded with `UriEncode` keeping `/`.
  /// Returns nil for a malformed escape.
  public static func canonicalURI(rawPath: String) -> String? {
    guard let bytes = URIEncoding.decodeBytes(rawPath, plusIsSpace: false) else { return nil }
    if bytes.isEmpty { return "/" }
    return URIEncoding.encode(bytes, keepSlash: true)
  }

  /// The canonical query string straight from the raw query, when the client already sent
  /// it in canonical form (every name and value `UriEncode`d: unreserved bytes as they are,
  /// every other byte as `%XX` in uppercase; each pair with one `=`; sorted by name, then
  /// value), as SDKs do: then it is the raw query less the pairs named `excluding`. Returns
  /// nil otherwise, and the caller builds it from the decoded pairs with
  /// ``canonicalQuery(_:excluding:)``; where this returns a string, the two agree.
  public static func canonicalQuery(raw: String, excluding: String? = nil) -> String? {
    var raw = raw
    raw.makeContiguousUTF8()
    // A canonical pair's name is the UriEncoded name, so compare it with the encoded form.
    let excluded = excluding.map { Array(URIEncoding.encode($0, keepSlash: false).utf8) }
    let result = raw.utf8.withContiguousStorageIfAvailable { bytes in
      canonicalQuery(raw: bytes, excluding: excluded)
    }
    return result ?? nil
  }

  private static func canonicalQuery(raw bytes: UnsafeBufferPointer<UInt8>, excluding: [UInt8]?)
    -> String?
  {
    var kept: [(name: Range<Int>, value: Range<Int>)] = []
    var start = 0
    while start <= bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
      guard end > start, let equals = canonicalPair(bytes, start, end) else { return nil }
      let pair = (name: start..<equals, value: (equals + 1)..<end)
      if excluding.map({ !bytes[pair.name].elementsEqual($0) }) ?? true {
        if let last = kept.last, order(bytes, last, pair) > 0 { return nil }
        kept.append(pair)
      }
      start = end + 1
    }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    for (index, pair) in kept.enumerated() {
      if index > 0 { out.append(UInt8(ascii: "&")) }
      out.append(contentsOf: bytes[pair.name.lowerBound..<pair.value.upperBound])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The offset of the `=` of `bytes[start..<end]` if that pair is in canonical form, else nil.
  private static func canonicalPair(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int)
    -> Int?
  {
    var equals: Int?
    var index = start
    while index < end {
      let byte = bytes[index]
      if URIEncoding.isUnreserved(byte) {
        index += 1
      } else if byte == UInt8(ascii: "=") && equals == nil {
        equals = index
        index += 1
      } else if byte == UInt8(ascii: "%"), index + 2 < end,
        let high = upperHex(bytes[index + 1]), let low = upperHex(bytes[index + 2]),
        !URIEncoding.isUnreserved(high << 4 | low)
      {
        index += 3
      } else {
        return nil
      }
    }
    return equals
  }

  /// The value of an uppercase hex digit.
  private static func upperHex(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  /// Compares two name/value pairs, given as ranges of one buffer of encoded bytes, by name,
  /// then value (bytewise): the canonical query's order.
  private static func order(
    _ bytes: UnsafeBufferPointer<UInt8>, _ a: (name: Range<Int>, value: Range<Int>),
    _ b: (name: Range<Int>, value: Range<Int>)
  ) -> Int {
    func compare(_ x: Range<Int>, _ y: Range<Int>) -> Int {
      let common = min(x.count, y.count)
      for offset in 0..<common where bytes[x.lowerBound + offset] != bytes[y.lowerBound + offset] {
        return bytes[x.lowerBound + offset] < bytes[y.lowerBound + offset] ? -1 : 1
      }
      return x.count < y.count ? -1 : x.count > y.count ? 1 : 0
    }
    let byName = compare(a.name, b.name)
    return byName != 0 ? byName : compare(a.value, b.value)
  }

  /// The canonical query string: names and values re-encoded, sorted by name then value,
  /// leaving out `excluding` (the signature itself for presigned URLs).
  public static func canonicalQuery(
    _ pairs: [(name: String, value: String)], excluding: Set<String> = []
  ) -> String {
    // Every name and value encoded into one buffer; entries are sorted as byte ranges of it.
    var bytes: [UInt8] = []
    var entries: [(name: Range<Int>, value: Range<Int>)] = []
    entries.reserveCapacity(pairs.count)
    for pair in pairs where excluding.isEmpty || !excluding.contains(pair.name) {
      let nameStart = bytes.count
      URIEncoding.appendEncoded(pair.name.utf8, to: &bytes, keepSlash: false)
      let valueStart = bytes.count
      URIEncoding.appendEncoded(pair.value.utf8, to: &bytes, keepSlash: false)
      entries.append((nameStart..<valueStart, valueStart..<bytes.count))
    }
    if entries.count > 1 {
      bytes.withUnsafeBufferPointer { buffer in
        entries.sort { order(buffer, $0, $1) < 0 }
      }
    }
    let length = entries.reduce(0) { $0 + $1.name.count + $1.value.count + 2 } - 1
    guard length > 0 else { return "" }
    return String(unsafeUninitializedCapacity: length) { out in
      var at = 0
      for (index, entry) in entries.enumerated() {
        if index > 0 {
          out[at] = UInt8(ascii: "&")
          at += 1
        }
        for byte in bytes[entry.name] {
          out[at] = byte
          at += 1
        }
        out[at] = UInt8(ascii: "=")
        at += 1
        for byte in bytes[entry.value] {
          out[at] = byte
          at += 1
        }
      }
      return at
    }
  }

  /// A header value as SigV4 canonicalises it: trimmed, inner runs of spaces collapsed.
  public static func canonicalHeaderValue(_ value: String) -> String {
    let bytes = value.utf8
    // Most values (dates, hashes, host names) have nothing to trim or collapse.
    var previousSpace = true
    var clean = true
    for byte in bytes {
      let space = isSpaceOrTab(byte)
      if space && (previousSpace || byte == UInt8(ascii: "\t")) {
        clean = false
        break
      }
      previousSpace = space
    }
    if clean && !previousSpace { return value }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var pendingSpace = false
    for byte in bytes {
      if isSpaceOrTab(byte) {
        pendingSpace = !out.isEmpty
      } else {
        if pendingSpace { out.append(UInt8(ascii: " ")) }
        pendingSpace = false
        out.append(byte)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The names in a `SignedHeaders` list (`host;x-amz-date`), as written.
  static func signedHeaderNames(_ text: String) -> [String] {
    text.utf8.split(separator: UInt8(ascii: ";")).map { String(Substring($0)) }
  }

  /// Whether header name `name` equals `lowercaseName` ignoring ASCII case.
  static func headerName(_ name: String, is lowercaseName: String) -> Bool {
    name.utf8.count == lowercaseName.utf8.count && headerName(name, startsWith: lowercaseName)
  }

  /// Whether header name `name` starts with `lowercasePrefix` ignoring ASCII case.
  static func headerName(_ name: String, startsWith lowercasePrefix: String) -> Bool {
    guard name.utf8.count >= lowercasePrefix.utf8.count else { return false }
    for (a, b) in zip(name.utf8, lowercasePrefix.utf8) where a != b {
      guard a | 0x20 == b, b >= UInt8(ascii: "a"), b <= UInt8(ascii: "z") else { return false }
    }
    return true
  }

  /// A space or tab, the whitespace SigV4 trims in header values and between fields.
  static func isSpaceOrTab(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
  }

  /// The canonical request text.
  public static func canonicalRequest(
    method: String, canonicalURI: String, canonicalQuery: String,
    headers: [(name: String, value: String)], signedHeaders: [String], payloadHash: String
  ) -> String {
    var out = ""
    out.reserveCapacity(256 + canonicalQuery.utf8.count + canonicalURI.utf8.count)
    out += method
    out += "\n"
    out += canonicalURI
    out += "\n"
    out += canonicalQuery
    out += "\n"
    for name in signedHeaders {
      out += name
      out += ":"
      var first = true
      for header in headers where headerName(header.name, is: name) {
        if !first { out += "," }
        first = false
        out += canonicalHeaderValue(header.value)
      }
      out += "\n"
    }
    out += "\n"
    for (index, name) in signedHeaders.enumerated() {
      if index > 0 { out += ";" }
      out += name
    }
    out += "\n"
    out += payloadHash
    return out
  }

  /// `<date>/<region>/<service>/aws4_request`.
  public static func scope(date: String, region: String, service: String) -> String {
    "\(date)/\(region)/\(service)/aws4_request"
  }

  public static func stringToSign(amzDate: String, scope: String, canonicalRequest: String)
    -> String
  {
    var request = canonicalRequest
    let hash = request.withUTF8 { Hex.encode(SHA256.hash(data: $0)) }
    return [algorithm, amzDate, scope, hash].joined(separator: "\n")
  }

  public static func hmac(key: [UInt8], _ message: String) -> [UInt8] {
    Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
  }

  /// The derived signing key for one day, region and service.
  public static func signingKey(secret: String, date: String, region: String, service: String)
    -> [UInt8]
  {
    let kDate = hmac(key: Array("AWS4\(secret)".utf8), date)
    let kRegion = hmac(key: kDate, region)
    let kService = hmac(key: kRegion, service)
    return hmac(key: kService, "aws4_request")
  }

  /// Hex signature of `stringToSign` with `signingKey`.
  public static func signature(signingKey: [UInt8], stringToSign: String) -> String {
    Hex.encode(hmac(key: signingKey, stringToSign))
  }

  /// Hex signature of `stringToSign` with an HMAC already keyed with the signing key (a copy
  /// of a kept one saves hashing the key for every request).
  static func signature(keyed: HMAC<SHA256>, stringToSign: String) -> String {
    var mac = keyed
    var text = stringToSign
    text.withUTF8 { mac.update(data: $0) }
    return Hex.encode(mac.finalize())
  }

  /// Compares two byte strings in time independent of where they differ.
  public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for i in 0..<x.count { diff |= x[i] ^ y[i] }
    return diff == 0
  }
}

extension SigV4 {
  /// Lowercase hex SHA-256 of `bytes`.
  public static func sha256Hex(_ bytes: [UInt8]) -> String {
    Hex.encode(SHA256.hash(data: bytes))
  }
}
