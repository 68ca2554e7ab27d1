/// A tiny streaming XML writer for S3 response documents.
///
/// Text and attribute values are escaped; element names are trusted (they are constants).
public struct XMLWriter: Sendable {
  public private(set) var result: String

  public init(declaration: Bool = true) {
    result = declaration ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : ""
  }

  /// Opens `name`; the first element of an S3 document carries the S3 namespace.
  public mutating func open(_ name: String, namespace: String? = nil) {
    if let namespace {
      result += "<\(name) xmlns=\"\(XMLWriter.escape(namespace))\">"
    } else {
      result += "<\(name)>"
    }
  }

  public mutating func close(_ name: String) {
    result += "</\(name)>"
  }

  /// Writes `<name>escaped text</name>`.
  public mutating func element(_ name: String, _ text: String) {
    result += "<\(name)>\(XMLWriter.escape(text))</\(name)>"
  }

  /// Writes escaped text inside the element opened last.
  public mutating func text(_ text: String) {
    result += XMLWriter.escape(text)
  }

  /// Writes `<name/>`, which S3 uses for empty values such as a us-east-1 location.
  public mutating func empty(_ name: String) {
    result += "<\(name)/>"
  }

  /// Escapes the five XML special characters, and control characters XML 1.0 cannot carry
  /// literally as numeric references (S3 does the same for keys with such bytes).
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n":
        out.unicodeScalars.append(scalar)
      case "\r": out += "&#13;"
      default:
        if scalar.value < 0x20 {
          out += "&#\(scalar.value);"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }
}

/// The namespace of every S3 response document.
public let s3XMLNamespace = "http://s3.amazonaws.com/doc/2006-03-01/"
