/// An element of a parsed XML document: name (without namespace prefix), children and text.
public struct XMLElement: Sendable, Equatable {
  public var name: String
  public var children: [XMLElement]
  public var text: String

  /// The first child called `name`.
  public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
}

/// A small, pure XML parser for S3 documents: the request bodies the server accepts and the
/// responses a client reads (each decoded from the tree by its `S3Document` type).
///
/// It handles the prolog, comments, CDATA, attributes (ignored), the predefined entities and
/// numeric character references. DTDs are refused, so no entity expansion attack is possible.
/// Input is bounded by the caller; nesting deeper than `maxDepth` is refused.
public enum XMLReader {
  public struct ParseError: Error, Sendable, Equatable {
    public var reason: String
  }

  public static let maxDepth = 32

  /// Parses `bytes` into its root element or throws `ParseError`.
  public static func parse(_ bytes: [UInt8]) throws(ParseError) -> XMLElement {
    // XML 1.0 §2.2 and §4.3.3: a document is well-formed UTF-8 (here) of `Char`s only, so
    // NUL and the other C0 controls but tab, line feed and carriage return are refused.
    guard String(validating: bytes, as: UTF8.self) != nil else {
      throw ParseError(reason: "the document is not valid UTF-8")
    }
    if let bad = bytes.first(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
      throw ParseError(reason: "control character \(bad) in the document")
    }
    var parser = Parser(bytes: bytes)
    return try parser.document()
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
      self.bytes = bytes
      // Skip a UTF-8 byte order mark.
      if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func document() throws(ParseError) -> XMLElement {
      try misc()
      guard peek() == UInt8(ascii: "<") else { throw ParseError(reason: "no root element") }
      let root = try element(depth: 0)
      try misc()
      guard index == bytes.count else { throw ParseError(reason: "content after root element") }
      return root
    }

    /// Skips whitespace, comments and processing instructions between elements.
    mutating func misc() throws(ParseError) {
      while true {
        skipSpace()
        if starts("<?") {
          try skip(past: "?>")
        } else if starts("<!--") {
          try skip(past: "-->")
        } else if starts("<!") {
          throw ParseError(reason: "DTDs are not accepted")
        } else {
          return
        }
      }
    }

    mutating func element(depth: Int) throws(ParseError) -> XMLElement {
      guard depth < XMLReader.maxDepth else { throw ParseError(reason: "nesting too deep") }
      index += 1  // "<"
      let qualified = name()
      guard !qualified.isEmpty else { throw ParseError(reason: "missing element name") }
      // Attributes are ignored but must be well formed enough to find the tag end.
      var quote: UInt8? = nil
      while index < bytes.count {
        let byte = bytes[index]
        if let q = quote {
          if byte == q { quote = nil }
        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
          quote = byte
        } else if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") {
          break
        }
        index += 1
      }
      let local = localName(qualified)
      // `<s3:/>` has a prefix but no name, `<:?/>` a name no writer can write back: refuse
      // them rather than return a nameless or impossible element.
      guard !local.isEmpty else { throw ParseError(reason: "missing element name") }
      guard Self.isName(qualified), Self.isName(local) else {
        throw ParseError(reason: "malformed element name")
      }
      var result = XMLElement(name: local, children: [], text: "")
      if starts("/>") {
        index += 2
        return result
      }
      guard peek() == UInt8(ascii: ">") else { throw ParseError(reason: "unterminated tag") }
      index += 1
      var text: [UInt8] = []
      while true {
        guard index < bytes.count else { throw ParseError(reason: "unexpected end of document") }
        if starts("</") {
          index += 2
          let closing = name()
          guard closing == qualified else {
            throw ParseError(reason: "mismatched closing tag \(closing)")
          }
          skipSpace()
          guard peek() == UInt8(ascii: ">") else { throw ParseError(reason: "bad closing tag") }
          index += 1
          result.text = String(decoding: text, as: UTF8.self)
          return result
        } else if starts("<!--") {
          try skip(past: "-->")
        } else if starts("<![CDATA[") {
          index += 9
          let start = index
          try skip(past: "]]>")
          text += bytes[start..<(index - 3)]
        } else if starts("<?") {
          try skip(past: "?>")
        } else if starts("<!") {
          throw ParseError(reason: "DTDs are not accepted")
        } else if peek() == UInt8(ascii: "<") {
          result.children.append(try element(depth: depth + 1))
        } else if peek() == UInt8(ascii: "&") {
          text += try entity()
        } else {
          text.append(bytes[index])
          index += 1
        }
      }
    }

    mutating func entity() throws(ParseError) -> [UInt8] {
      guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ";")), end - index <= 12 else {
        throw ParseError(reason: "bad entity reference")
      }
      let body = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
      index = end + 1
      switch body {
      case "amp": return [UInt8(ascii: "&")]
      case "lt": return [UInt8(ascii: "<")]
      case "gt": return [UInt8(ascii: ">")]
      case "quot": return [UInt8(ascii: "\"")]
      case "apos": return [UInt8(ascii: "'")]
      default:
        var value: UInt32?
        if body.hasPrefix("#x") || body.hasPrefix("#X") {
          value = UInt32(body.dropFirst(2), radix: 16)
        } else if body.hasPrefix("#") {
          value = UInt32(body.dropFirst(), radix: 10)
        }
        // Character references must name a `Char` too (XML 1.0 §4.1).
        guard let value, value >= 0x20 || value == 0x09 || value == 0x0A || value == 0x0D,
          value != 0xFFFE, value != 0xFFFF, let scalar = Unicode.Scalar(value)
        else {
          throw ParseError(reason: "unknown entity &\(body);")
        }
        return Array(String(Character(scalar)).utf8)
      }
    }

    mutating func name() -> String {
      let start = index
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: " ")
          || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
        {
          break
        }
        index += 1
      }
      return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Whether `name` is an XML `Name` (XML 1.0 §2.3) as far as ASCII goes: letters, digits,
    /// `_`, `:`, `-` and `.`, not starting with a digit, `-` or `.`. Non-ASCII characters are
    /// let through (element names in S3 documents are ASCII; others only fail to match).
    static func isName(_ name: String) -> Bool {
      var first = true
      for byte in name.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
          UInt8(ascii: "_"), UInt8(ascii: ":"), 0x80...0xFF:
          break
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
          if first { return false }
        default:
          return false
        }
        first = false
      }
      return !first
    }

    func localName(_ qualified: String) -> String {
      if let colon = qualified.lastIndex(of: ":") {
        return String(qualified[qualified.index(after: colon)...])
      }
      return qualified
    }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    func starts(_ literal: StaticString) -> Bool {
      let count = literal.utf8CodeUnitCount
      guard index + count <= bytes.count else { return false }
      return literal.withUTF8Buffer { buffer in
        for offset in 0..<count where bytes[index + offset] != buffer[offset] { return false }
        return true
      }
    }

    mutating func skip(past literal: StaticString) throws(ParseError) {
      while index < bytes.count {
        if starts(literal) {
          index += literal.utf8CodeUnitCount
          return
        }
        index += 1
      }
      throw ParseError(reason: "unterminated construct")
    }

    mutating func skipSpace() {
      while let byte = peek(),
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
          || byte == UInt8(ascii: "\r")
      {
        index += 1
      }
    }
  }
}

extension XMLReader {
  /// Parses a request document whose root element must be `root`: 400 `MalformedXML` for
  /// anything else (the answer S3 gives for every unreadable request document).
  public static func document(_ bytes: [UInt8], root: String) throws(S3Error) -> XMLElement {
    let element: XMLElement
    do {
      element = try parse(bytes)
    } catch {
      throw S3Error(.malformedXML)
    }
    guard element.name == root else { throw S3Error(.malformedXML) }
    return element
  }
}
