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

  /// The canonical query string: names and values re-encoded, sorted by name then value,
  /// leaving out `excluding` (the signature itself for presigned URLs).
  public static func canonicalQuery(
    _ pairs: [(name: String, value: String)], excluding: Set<String> = []
  ) -> String {
    var encoded: [(name: String, value: String)] = []
    for pair in pairs where !excluding.contains(pair.name) {
      encoded.append(
        (
          URIEncoding.encode(pair.name, keepSlash: false),
          URIEncoding.encode(pair.value, keepSlash: false)
        ))
    }
    // Encoded text is ASCII, so String ordering is byte ordering here.
    encoded.sort { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
    return encoded.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
  }

  /// A header value as SigV4 canonicalises it: trimmed, inner runs of spaces collapsed.
  public static func canonicalHeaderValue(_ value: String) -> String {
    var out = ""
    var lastWasSpace = false
    for ch in value.trimmingCharacters(in: .whitespaces) {
      if ch == " " || ch == "\t" {
        if !lastWasSpace { out.append(" ") }
        lastWasSpace = true
      } else {
        out.append(ch)
        lastWasSpace = false
      }
    }
    return out
  }

  /// The canonical request text.
  public static func canonicalRequest(
    method: String, canonicalURI: String, canonicalQuery: String,
    headers: [(name: String, value: String)], signedHeaders: [String], payloadHash: String
  ) -> String {
    var lines = [method, canonicalURI, canonicalQuery]
    for name in signedHeaders {
      let values = headers.filter { $0.name.lowercased() == name }.map {
        canonicalHeaderValue($0.value)
      }
      lines.append("\(name):\(values.joined(separator: ","))")
    }
    lines.append("")
    lines.append(signedHeaders.joined(separator: ";"))
    lines.append(payloadHash)
    return lines.joined(separator: "\n")
  }

  /// `<date>/<region>/<service>/aws4_request`.
  public static func scope(date: String, region: String, service: String) -> String {
    "\(date)/\(region)/\(service)/aws4_request"
  }

  public static func stringToSign(amzDate: String, scope: String, canonicalRequest: String)
    -> String
  {
    let hash = Hex.encode(SHA256.hash(data: Array(canonicalRequest.utf8)))
    return "\(algorithm)\n\(amzDate)\n\(scope)\n\(hash)"
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
