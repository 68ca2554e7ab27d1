import Foundation
import LakeTOML

/// Reads the configuration file: flat TOML (`key = value` lines, `#` comments, values quoted
/// strings, numbers or booleans), parsed by `TOMLTables`. Tables and arrays are refused with a
/// clear error.
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
    let tables: [String: [String: String]]
    do {
      tables = try TOMLTables.parse(text, name: name)
    } catch {
      throw ConfigurationError(error.message)
    }
    if let table = tables.keys.first(where: { !$0.isEmpty }) {
      throw ConfigurationError(
        "\(name): tables such as [\(table)] are not settings; use 'key = value'")
    }
    return tables[""] ?? [:]
  }
}
