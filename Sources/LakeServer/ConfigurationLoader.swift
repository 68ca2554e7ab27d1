import Foundation
import LakeHTTP

/// A configuration problem: the message names the setting and where its value came from.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// One setting: its name in the config file, its environment variable, its flag and how to
/// apply a textual value. The table below is the single list every source and the docs follow.
public struct Setting: Sendable {
  public var key: String
  public var flag: String
  public var help: String
  public var defaultValue: String
  let apply: @Sendable (inout ServerConfiguration, String) throws(ConfigurationError) -> Void

  /// `LAKESTORE_<KEY>`.
  public var environmentVariable: String { "LAKESTORE_" + key.uppercased() }
}

/// Merges defaults < config file < environment < flags into a `ServerConfiguration`.
public enum ConfigurationLoader {
  /// Builds the configuration. `flags` maps setting keys to flag values given on the command line.
  public static func load(
    configFile: String?, environment: [String: String], flags: [String: String]
  ) throws(ConfigurationError) -> ServerConfiguration {
    var configuration = ServerConfiguration()
    let fileValues: [String: String]
    let fileName = configFile ?? environment["LAKESTORE_CONFIG"]
    if let fileName {
      fileValues = try ConfigFile.read(path: fileName)
      let known = Set(settings.map(\.key))
      if let unknown = fileValues.keys.sorted().first(where: { !known.contains($0) }) {
        throw ConfigurationError("\(fileName): unknown setting '\(unknown)'")
      }
    } else {
      fileValues = [:]
    }
    for setting in settings {
      let source: String
      let value: String
      if let v = flags[setting.key] {
        (source, value) = ("--\(setting.flag)", v)
      } else if let v = environment[setting.environmentVariable] {
        (source, value) = (setting.environmentVariable, v)
      } else if let v = fileValues[setting.key] {
        (source, value) = ("\(fileName ?? "config"): \(setting.key)", v)
      } else {
        continue
      }
      do {
        try setting.apply(&configuration, value)
      } catch {
        throw ConfigurationError("\(source): \(error.description)")
      }
    }
    return configuration
  }

  /// Parses `HOST:PORT` (IPv6 hosts in brackets).
  static func parseAddress(_ text: String) throws(ConfigurationError) -> (String, Int) {
    guard let colon = text.lastIndex(of: ":") else {
      throw ConfigurationError("address '\(text)' must be HOST:PORT")
    }
    var host = String(text[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port),
      !host.isEmpty
    else {
      throw ConfigurationError("address '\(text)' must be HOST:PORT with a port from 0 to 65535")
    }
    return (host, port)
  }

  static func int(_ text: String, min: Int = 0, max: Int = Int.max) throws(ConfigurationError)
    -> Int
  {
    guard let value = Int(text.replacingOccurrences(of: "_", with: "")), value >= min,
      value <= max
    else {
      let range = max == Int.max ? ">= \(min)" : "from \(min) to \(max)"
      throw ConfigurationError("'\(text)' is not a whole number \(range)")
    }
    return value
  }

  /// Parses a size: bytes, or with a suffix K, M, G, T (powers of 1024), e.g. `5G`, `64KiB`;
  /// at most `max` bytes.
  static func size(_ text: String, max: Int64 = .max) throws(ConfigurationError) -> Int64 {
    var t = text.uppercased().replacingOccurrences(of: "IB", with: "")
      .replacingOccurrences(of: "B", with: "")
    var multiplier: Int64 = 1
    for (suffix, m) in [
      ("K", Int64(1) << 10), ("M", Int64(1) << 20), ("G", Int64(1) << 30), ("T", Int64(1) << 40),
    ]
    where t.hasSuffix(suffix) {
      multiplier = m
      t.removeLast()
    }
    guard let value = Int64(t), value >= 0, value <= Int64.max / multiplier else {
      throw ConfigurationError("'\(text)' is not a size (bytes, or a number with K, M, G or T)")
    }
    guard value * multiplier <= max else {
      throw ConfigurationError(
        "'\(text)' is larger than the most this setting allows, \(max) bytes")
    }
    return value * multiplier
  }

  /// The longest duration a setting takes: 30 days, beyond any useful timeout, so every clock
  /// computation made with it stays in range.
  static let maxDurationMilliseconds: Int64 = 30 * 86_400 * 1000

  /// Parses a duration: decimal seconds with an optional `s` suffix, or whole milliseconds
  /// with `ms`; more than 0 and at most 30 days. `inf`, `nan`, exponents and signs are refused.
  static func duration(_ text: String) throws(ConfigurationError) -> Duration {
    let isMilliseconds = text.hasSuffix("ms")
    let number =
      isMilliseconds ? text.dropLast(2) : text.hasSuffix("s") ? text.dropLast() : text[...]
    let digitsAndPoint = number.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }
    guard !number.isEmpty, digitsAndPoint, number.utf8.count <= 32, let value = Double(number),
      value.isFinite
    else {
      throw ConfigurationError("'\(text)' is not a duration (seconds, e.g. 30 or 30s or 500ms)")
    }
    let milliseconds = (isMilliseconds ? value : value * 1000).rounded(.down)
    guard milliseconds >= 1, milliseconds <= Double(maxDurationMilliseconds) else {
      throw ConfigurationError("'\(text)' must be at least 1ms and at most 30 days")
    }
    return .milliseconds(Int64(milliseconds))
  }

  /// Parses an age: whole seconds, or a whole number with `s`, `m`, `h` or `d`
  /// (`7d`, `36h`); 0 means never; at most 10 years. Returns seconds.
  public static func age(_ text: String) throws(ConfigurationError) -> Int64 {
    let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
    var digits = Substring(text)
    var unit: Int64 = 1
    if let last = text.last, let u = units[last] {
      unit = u
      digits = digits.dropLast()
    }
    let maxSeconds: Int64 = 3_650 * 86_400
    guard !digits.isEmpty, digits.utf8.count <= 12,
      digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
      let value = Int64(digits), value <= maxSeconds / unit
    else {
      throw ConfigurationError(
        "'\(text)' is not an age (a whole number with s, m, h or d; at most 3650d)")
    }
    return value * unit
  }

  static func bool(_ text: String) throws(ConfigurationError) -> Bool {
    switch text.lowercased() {
    case "true", "yes", "1", "on": return true
    case "false", "no", "0", "off": return false
    default: throw ConfigurationError("'\(text)' is not true or false")
    }
  }
}
