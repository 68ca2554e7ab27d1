import Foundation

/// The typed reads the document decoders share. Children are found by name (the first of that
/// name); numbers, booleans and dates may be surrounded by white space (pretty-printed
/// documents), strings are taken as they are.
extension XMLElement {
  /// Throws `wrongRoot` unless this element is called `name`.
  func expectRoot(_ name: String) throws(S3DocumentError) {
    guard self.name == name else { throw .wrongRoot(expected: name, found: self.name) }
  }

  /// The child called `name`; `missing` when there is none.
  func required(_ name: String) throws(S3DocumentError) -> XMLElement {
    guard let element = child(name) else { throw .missing(element: name, in: self.name) }
    return element
  }

  /// The text of the child called `name`; `missing` when there is none.
  func text(_ name: String) throws(S3DocumentError) -> String {
    try required(name).text
  }

  /// The children called `name`, in order.
  func all(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

  /// The text of the child called `name`, percent-decoded when `urlEncoded` (S3's
  /// `encoding-type=url`: `+` is a space, as botocore's `unquote_plus` reads it); nil when
  /// there is no such child, `invalid` when the text does not decode to UTF-8.
  func string(_ name: String, urlEncoded: Bool) throws(S3DocumentError) -> String? {
    guard let text = child(name)?.text else { return nil }
    guard urlEncoded else { return text }
    guard let plain = URIEncoding.decode(text, plusIsSpace: true) else {
      throw .invalid(element: name, value: text)
    }
    return plain
  }

  /// The integer in the child called `name`; nil when absent, `invalid` when not a number.
  func int(_ name: String) throws(S3DocumentError) -> Int? {
    guard let text = child(name)?.text else { return nil }
    guard let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw .invalid(element: name, value: text)
    }
    return value
  }

  /// A 64-bit size in the child called `name`; nil when absent, `invalid` when not a number.
  func int64(_ name: String) throws(S3DocumentError) -> Int64? {
    guard let text = child(name)?.text else { return nil }
    guard let value = Int64(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw .invalid(element: name, value: text)
    }
    return value
  }

  /// `true` or `false` in the child called `name`; nil when absent.
  func bool(_ name: String) throws(S3DocumentError) -> Bool? {
    guard let text = child(name)?.text else { return nil }
    switch text.trimmingCharacters(in: .whitespacesAndNewlines) {
    case "true": return true
    case "false": return false
    default: throw .invalid(element: name, value: text)
    }
  }

  /// An ISO 8601 date (`S3Date.parseISO8601`) in the child called `name`; nil when absent.
  func date(_ name: String) throws(S3DocumentError) -> Date? {
    guard let text = child(name)?.text else { return nil }
    guard let date = S3Date.parseISO8601(text.trimmingCharacters(in: .whitespacesAndNewlines))
    else { throw .invalid(element: name, value: text) }
    return date
  }

  /// The ETag in the child called `name` without one pair of surrounding quotes (S3 quotes
  /// ETags in most documents, `&quot;` or plain); nil when absent.
  func etag(_ name: String) -> String? {
    guard let text = child(name)?.text else { return nil }
    return text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"")
      ? String(text.dropFirst().dropLast()) : text
  }

  /// `required` for optional reads: the value, or `missing` naming the child.
  func need<T>(_ value: T?, _ name: String) throws(S3DocumentError) -> T {
    guard let value else { throw .missing(element: name, in: self.name) }
    return value
  }

  /// Whether the document says `<EncodingType>url</EncodingType>`; `invalid` for another type.
  func encodingTypeURL() throws(S3DocumentError) -> Bool {
    guard let text = child("EncodingType")?.text else { return false }
    guard text.trimmingCharacters(in: .whitespacesAndNewlines) == "url" else {
      throw .invalid(element: "EncodingType", value: text)
    }
    return true
  }
}
