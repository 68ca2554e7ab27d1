import Foundation

/// Lowercase hex for ETags.
enum Hex {
  private static let digits = Array("0123456789abcdef".utf8)

  static func encode(_ bytes: [UInt8]) -> String {
    var text: [UInt8] = []
    text.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// An ETag as a client may send it (`"abc"`, `W/"abc"`, `ABC`) in the stored form: unquoted,
  /// lowercase.
  static func normalizeETag(_ etag: String) -> String {
    var value = Substring(etag.trimmingCharacters(in: .whitespaces))
    if value.hasPrefix("W/") { value = value.dropFirst(2) }
    if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
      value = value.dropFirst().dropLast()
    }
    return value.lowercased()
  }
}
