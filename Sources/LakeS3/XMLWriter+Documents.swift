import Foundation

/// The typed writes the documents share, each the exact form LakeStore has always sent.
extension XMLWriter {
  /// A new document (declaration included) whose root `name` is open, with the S3 namespace.
  static func document(_ name: String) -> XMLWriter {
    var writer = XMLWriter()
    writer.open(name, namespace: s3XMLNamespace)
    return writer
  }

  /// `<name>text</name>` when `text` is non-nil.
  mutating func element(_ name: String, _ text: String?) {
    if let text { element(name, text) }
  }

  /// `<name>text</name>` with `text` percent-encoded when `urlEncoded`, the way listings
  /// answer `encoding-type=url`: `%20` for a space (never `+`), `/` kept.
  mutating func element(_ name: String, _ text: String, urlEncoded: Bool) {
    element(name, urlEncoded ? URIEncoding.encode(text, keepSlash: true) : text)
  }

  /// `<name>n</name>`.
  mutating func element(_ name: String, _ value: Int) { element(name, String(value)) }

  /// `<name>n</name>`.
  mutating func element(_ name: String, _ value: Int64) { element(name, String(value)) }

  /// `<name>true</name>` or `<name>false</name>`.
  mutating func element(_ name: String, _ value: Bool) { element(name, value ? "true" : "false") }

  /// `<name>2009-10-12T17:50:30.000Z</name>` (`S3Date.iso8601`).
  mutating func element(_ name: String, _ date: Date) { element(name, S3Date.iso8601(date)) }

  /// `<name>"etag"</name>`: an ETag in the quotes S3 puts around it in most documents.
  mutating func element(_ name: String, quoted etag: String) { element(name, "\"\(etag)\"") }

  /// One `<CommonPrefixes><Prefix>…</Prefix></CommonPrefixes>` per prefix, in order.
  mutating func commonPrefixes(_ prefixes: [String], urlEncoded: Bool) {
    for prefix in prefixes {
      open("CommonPrefixes")
      element("Prefix", prefix, urlEncoded: urlEncoded)
      close("CommonPrefixes")
    }
  }
}

extension XMLElement {
  /// The `<CommonPrefixes><Prefix>` values, in order, percent-decoded when `urlEncoded`.
  func commonPrefixes(urlEncoded: Bool) throws(S3DocumentError) -> [String] {
    var prefixes: [String] = []
    for element in all("CommonPrefixes") {
      prefixes.append(
        try element.need(element.string("Prefix", urlEncoded: urlEncoded), "Prefix"))
    }
    return prefixes
  }
}
