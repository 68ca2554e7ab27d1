/// The small TOML subset LakeStore's files use: `key = value` lines, `#` comments, `[name]`
/// table headers, and values that are basic strings (with `\"`, `\\`, `\n`, `\t` escapes),
/// numbers or booleans, all returned as text. Arrays, inline tables, dotted keys and
/// multi-line strings are refused with the line they are on.
///
/// Used by the server's configuration file (no tables) and the client's profile file (one
/// table per profile).
public enum TOMLTables {
  /// A refusal, with `name:line:` in front of the reason.
  public struct ParseError: Error, Sendable, Equatable {
    public var message: String
  }

  /// Parses `text` into tables of settings. Keys before the first header are in the table
  /// named `""`. A key set twice in one table, or a table opened twice, is an error.
  public static func parse(_ text: String, name: String) throws(ParseError) -> [String: [String:
    String]]
  {
    var tables: [String: [String: String]] = [:]
    var current = ""
    for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      func fail(_ reason: String) -> ParseError {
        ParseError(message: "\(name):\(number + 1): \(reason)")
      }
      let line = Substring(rawLine.drop { $0 == " " || $0 == "\t" })
      if line.isEmpty || line.hasPrefix("#")
        || line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" })
      {
        continue
      }
      if line.hasPrefix("[") {
        guard let close = line.firstIndex(of: "]"),
          afterValue(line[line.index(after: close)...])
        else { throw fail("expected '[name]'") }
        let table = trim(line[line.index(after: line.startIndex)..<close])
        guard isKey(table) else { throw fail("bad table name '\(table)'") }
        guard tables[table] == nil else { throw fail("table '\(table)' is opened twice") }
        tables[table] = [:]
        current = table
        continue
      }
      guard let eq = line.firstIndex(of: "=") else { throw fail("expected 'key = value'") }
      let key = trim(line[..<eq])
      guard isKey(key) else { throw fail("bad setting name '\(key)'") }
      let rest = Substring(line[line.index(after: eq)...].drop { $0 == " " || $0 == "\t" })
      let value: String
      if rest.hasPrefix("\"") {
        guard let (text, end) = basicString(rest) else { throw fail("unterminated string") }
        guard afterValue(rest[end...]) else { throw fail("unexpected text after the value") }
        value = text
      } else {
        let bare = trim(rest.prefix { $0 != "#" })
        guard !bare.isEmpty, !bare.hasPrefix("["), !bare.hasPrefix("{"), !bare.hasPrefix("'")
        else { throw fail("only strings, numbers and booleans are allowed") }
        value = bare
      }
      guard tables[current]?[key] == nil else { throw fail("'\(key)' is set twice") }
      tables[current, default: [:]][key] = value
    }
    return tables
  }

  /// Writes `value` as a TOML basic string, quotes and escapes included.
  public static func quoted(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          let hex = String(scalar.value, radix: 16, uppercase: true)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  private static func trim(_ text: Substring) -> String {
    String(
      text.drop { $0 == " " || $0 == "\t" }.reversed().drop {
        $0 == " " || $0 == "\t" || $0 == "\r"
      }.reversed())
  }

  private static func isKey(_ key: String) -> Bool {
    !key.isEmpty
      && key.unicodeScalars.allSatisfy {
        ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
          || $0 == "_" || $0 == "-"
      }
  }

  /// Only blanks or a comment may follow a value or a header.
  private static func afterValue(_ rest: Substring) -> Bool {
    let tail = rest.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
    return tail.isEmpty || tail.hasPrefix("#")
  }

  /// Reads the basic string `text` starts with; returns its value and the index after the
  /// closing quote.
  private static func basicString(_ text: Substring) -> (String, Substring.Index)? {
    var out = ""
    var index = text.index(after: text.startIndex)
    while index < text.endIndex {
      let c = text[index]
      if c == "\"" { return (out, text.index(after: index)) }
      if c == "\\" {
        index = text.index(after: index)
        guard index < text.endIndex else { return nil }
        switch text[index] {
        case "\"": out.append("\"")
        case "\\": out.append("\\")
        case "n": out.append("\n")
        case "t": out.append("\t")
        case "r": out.append("\r")
        case "u":
          let start = text.index(after: index)
          guard let end = text.index(start, offsetBy: 4, limitedBy: text.endIndex),
            let code = UInt32(text[start..<end], radix: 16), let scalar = Unicode.Scalar(code)
          else { return nil }
          out.unicodeScalars.append(scalar)
          index = text.index(before: end)
        default: return nil
        }
      } else {
        out.append(c)
      }
      index = text.index(after: index)
    }
    return nil
  }
}
