import Foundation
import LakeClient

#if canImport(Glibc)
  import Glibc
#endif

/// Writing to the terminal: one-line errors, human sizes and dates, aligned columns, JSON lines.
enum Terminal {
  static func error(_ message: String) {
    FileHandle.standardError.write(Data("lakectl: \(message)\n".utf8))
  }

  /// Prints a client error as one line and exits 1.
  static func fail(_ error: LakeClientError) -> Never {
    var line = "\(error.code): \(error.message)"
    if let resource = error.resource, !error.message.contains(resource) {
      line += " (\(resource))"
    }
    Self.error(line)
    exit(1)
  }

  static var stderrIsTerminal: Bool { isatty(2) == 1 }

  /// `1.2 MiB`, `512 B`: binary units, one decimal below 10.
  static func size(_ bytes: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    if unit == 0 { return "\(bytes) B" }
    return value < 10
      ? String(format: "%.1f %@", value, units[unit])
      : String(format: "%.0f %@", value, units[unit])
  }

  /// A date in local time, `2024-05-01 14:03:59`.
  static func date(_ date: Date?) -> String {
    guard let date else { return "-" }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone.current
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: date)
  }

  /// An ISO 8601 UTC date for JSON output.
  static func isoDate(_ date: Date?) -> String? {
    guard let date else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: date)
  }

  /// Prints `object` as one line of JSON with sorted keys.
  static func json(_ object: [String: Any?]) {
    let compact = object.compactMapValues { $0 }
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: compact, options: [.sortedKeys, .withoutEscapingSlashes])
    else { return }
    FileHandle.standardOutput.write(data + Data("\n".utf8))
  }

  /// Prints rows with columns padded to their widest cell; `rightAligned` columns are padded on
  /// the left (numbers).
  static func table(_ rows: [[String]], rightAligned: Set<Int> = []) {
    guard let columns = rows.map(\.count).max() else { return }
    var widths = [Int](repeating: 0, count: columns)
    for row in rows {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    var out = ""
    for row in rows {
      var line = ""
      for (i, cell) in row.enumerated() {
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        let last = i == row.count - 1
        line += rightAligned.contains(i) ? pad + cell : (last ? cell : cell + pad)
        if !last { line += "  " }
      }
      out += line + "\n"
    }
    FileHandle.standardOutput.write(Data(out.utf8))
  }
}
