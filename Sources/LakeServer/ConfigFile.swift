import Foundation

/// Reads the configuration file: flat TOML (`key = value` lines, `#` comments, values quoted
/// strings, numbers or booleans). Tables and arrays are refused with a clear error.
enum ConfigFile {
  static func read(path: String) throws(ConfigurationError) -> [String: String] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigurationError("cannot read config file \(path)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigurationError("\(path) is not UTF-8 text")
    }
    return try parse(text, name: path)
  }

  static func parse(_ text: String, name: String) throws(ConfigurationError) -> [String: String] {
    var values: [String: String] = [:]
    for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      var line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard let eq = line.firstIndex(of: "=") else {
        throw ConfigurationError("\(name):\(number + 1): expected 'key = value'")
      }
      let key = line[..<eq].trimmingCharacters(in: .whitespaces)
      line = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
      var value: String
      if line.hasPrefix("\"") {
        guard let end = line.dropFirst().firstIndex(of: "\"") else {
          throw ConfigurationError("\(name):\(number + 1): unterminated string")
        }
        value = String(line[line.index(after: line.startIndex)..<end])
        let rest = line[line.index(after: end)...].trimmingCharacters(in: .whitespaces)
        guard rest.isEmpty || rest.hasPrefix("#") else {
          throw ConfigurationError("\(name):\(number + 1): unexpected text after the value")
        }
      } else {
        if let hash = line.firstIndex(of: "#") { line = String(line[..<hash]) }
        value = line.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, !value.hasPrefix("["), !value.hasPrefix("{") else {
          throw ConfigurationError(
            "\(name):\(number + 1): only strings, numbers and booleans are allowed")
        }
      }
      guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
        throw ConfigurationError("\(name):\(number + 1): bad setting name '\(key)'")
      }
      if values[key] != nil {
        throw ConfigurationError("\(name):\(number + 1): '\(key)' is set twice")
      }
      values[key] = value
    }
    return values
  }
}
