extension HTTPRequestParser {
  /// Parses `method SP request-target SP HTTP-version` (RFC 9112 §3), strictly: single
  /// spaces, a token method, a target of visible ASCII.
  static func parseRequestLine(_ line: UnsafeRawBufferPointer) -> Result<
    (method: String, target: String, version: HTTPVersion), HTTPParseError
  > {
    guard let firstSpace = line.firstIndex(of: UInt8(ascii: " ")),
      let secondSpace = line[(firstSpace + 1)...].firstIndex(of: UInt8(ascii: " ")),
      !line[(secondSpace + 1)...].contains(UInt8(ascii: " "))
    else { return .failure(.badRequest("malformed request line")) }
    let method = UnsafeRawBufferPointer(rebasing: line[..<firstSpace])
    let target = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
    guard !method.isEmpty, method.allSatisfy(isTokenByte) else {
      return .failure(.badRequest("malformed method"))
    }
    // RFC 9112 §3.2: the target contains no whitespace or control characters.
    guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
      return .failure(.badRequest("malformed request target"))
    }
    switch parseVersion(UnsafeRawBufferPointer(rebasing: line[(secondSpace + 1)...])) {
    case .success(let version):
      return .success(
        (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self), version)
      )
    case .failure(let error): return .failure(error)
    }
  }

  /// Parses `HTTP/DIGIT.DIGIT` (RFC 9112 §2.3). Major versions other than 1 get `505`.
  static func parseVersion(_ text: UnsafeRawBufferPointer) -> Result<HTTPVersion, HTTPParseError> {
    guard text.count == 8, text[0..<5].elementsEqual("HTTP/".utf8), isDigit(text[5]),
      text[6] == UInt8(ascii: "."), isDigit(text[7])
    else { return .failure(.badRequest("malformed HTTP version")) }
    let version = HTTPVersion(major: Int(text[5] - 0x30), minor: Int(text[7] - 0x30))
    guard version.major == 1 else {
      return .failure(HTTPParseError(status: 505, reason: "unsupported version \(version)"))
    }
    return .success(version)
  }

  /// Parses `field-name ":" OWS field-value OWS` (RFC 9112 §5). No whitespace may precede
  /// the colon (RFC 9112 §5.1); the value may hold visible ASCII, spaces, tabs and obs-text,
  /// but no other control characters (RFC 9110 §5.5).
  static func parseField(_ line: UnsafeRawBufferPointer) -> Result<
    HTTPHeaders.Element, HTTPParseError
  > {
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
      return .failure(.badRequest("header line without a colon"))
    }
    let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
    guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
      return .failure(.badRequest("malformed field name"))
    }
    var start = colon + 1
    var end = line.count
    while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
    while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
    let value = UnsafeRawBufferPointer(rebasing: line[start..<end])
    guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else {
      return .failure(.badRequest("control character in field value"))
    }
    return .success(
      (name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    )
  }

  static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  /// `tchar` of RFC 9110 §5.6.2.
  static func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
      UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
      UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
      UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
      return true
    default:
      return false
    }
  }
}
