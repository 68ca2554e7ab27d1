/// A small streaming XML writer for S3 response documents, writing UTF-8 bytes.
///
/// Text is escaped; element names are trusted (they are constants). Listings write thousands
/// of elements per page, so the writer appends bytes and escapes only when a byte needs it.
public struct XMLWriter: Sendable {
  public private(set) var bytes: [UInt8]

  public init(declaration: Bool = true) {
    bytes = []
    bytes.reserveCapacity(4096)
    if declaration { append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") }
  }

  /// The document as text.
  public var result: String { String(decoding: bytes, as: UTF8.self) }

  @inline(__always)
  private mutating func append(_ text: String) {
    var text = text
    text.withUTF8 { bytes.append(contentsOf: $0) }
  }

  /// Opens `name`; the root element of an S3 document carries the S3 namespace.
  public mutating func open(_ name: String, namespace: String? = nil) {
    bytes.append(UInt8(ascii: "<"))
    append(name)
    if let namespace {
      append(" xmlns=\"")
      appendEscaped(namespace)
      bytes.append(UInt8(ascii: "\""))
    }
    bytes.append(UInt8(ascii: ">"))
  }

  public mutating func close(_ name: String) {
    append("</")
    append(name)
    bytes.append(UInt8(ascii: ">"))
  }

  /// Writes `<name>escaped text</name>`.
  public mutating func element(_ name: String, _ text: String) {
    open(name)
    appendEscaped(text)
    close(name)
  }

  /// Writes escaped text inside the element opened last.
  public mutating func text(_ text: String) {
    appendEscaped(text)
  }

  /// Writes `<name/>`, which S3 uses for empty values such as a us-east-1 location.
  public mutating func empty(_ name: String) {
    bytes.append(UInt8(ascii: "<"))
    append(name)
    append("/>")
  }

  private mutating func appendEscaped(_ text: String) {
    var text = text
    text.withUTF8 { utf8 in
      // Multi-byte UTF-8 sequences never contain bytes below 0x80, so escaping byte-wise is
      // safe. Fast path: nothing to escape.
      if !utf8.contains(where: XMLWriter.needsEscape) {
        bytes.append(contentsOf: utf8)
        return
      }
      for byte in utf8 {
        if XMLWriter.needsEscape(byte) {
          append(XMLWriter.escapeSequence(byte))
        } else {
          bytes.append(byte)
        }
      }
    }
  }

  @inline(__always)
  static func needsEscape(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""),
      UInt8(ascii: "'"):
      return true
    case UInt8(ascii: "\t"), UInt8(ascii: "\n"):
      return false
    default:
      return byte < 0x20
    }
  }

  static func escapeSequence(_ byte: UInt8) -> String {
    switch byte {
    case UInt8(ascii: "&"): "&amp;"
    case UInt8(ascii: "<"): "&lt;"
    case UInt8(ascii: ">"): "&gt;"
    case UInt8(ascii: "\""): "&quot;"
    case UInt8(ascii: "'"): "&apos;"
    default: "&#\(byte);"  // control characters (S3 writes them as numeric references)
    }
  }

  /// Escapes the five XML special characters and control characters (other than tab and
  /// newline) as numeric references.
  public static func escape(_ text: String) -> String {
    var writer = XMLWriter(declaration: false)
    writer.appendEscaped(text)
    return writer.result
  }
}

/// The namespace of every S3 response document.
public let s3XMLNamespace = "http://s3.amazonaws.com/doc/2006-03-01/"
