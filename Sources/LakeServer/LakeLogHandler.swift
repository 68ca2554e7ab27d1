import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// A swift-log handler that writes each record as one line with a single `write(2)`, in
/// swift-log's `StreamLogHandler` line shape:
/// `2026-11-25T12:00:00+0000 info lakestore: key=value ... [Module] message`.
///
/// Built for the access log, which writes a line per request from event-loop and worker
/// threads: the timestamp is formatted once per second, and there is no `FILE` lock or
/// flush; one `write(2)` per line keeps lines whole.
public struct LakeLogHandler: LogHandler {
  public var logLevel: Logger.Level = .info
  public var metadata: Logger.Metadata = [:]
  public var metadataProvider: Logger.MetadataProvider?
  private let label: String
  private let fileDescriptor: Int32

  /// A handler for `label` writing to `fileDescriptor` (standard error by default).
  public init(label: String, fileDescriptor: Int32 = 2) {
    self.label = label
    self.fileDescriptor = fileDescriptor
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    // Precedence as swift-log's: the call's metadata, then the provider's, then the handler's.
    var merged = event.metadata ?? [:]
    if let provided = metadataProvider?.get(), !provided.isEmpty {
      merged.merge(provided) { kept, _ in kept }
    }
    if !metadata.isEmpty { merged.merge(metadata) { kept, _ in kept } }
    if let error = event.error { merged["error"] = "\(error)" }
    var line: [UInt8] = []
    line.reserveCapacity(256)
    Self.appendHead(to: &line, level: event.level, label: label)
    for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
      Self.appendField(to: &line, key, value.description)
    }
    Self.appendTail(to: &line, source: event.source, message: event.message.description)
    line.withUnsafeBytes { Self.writeAll(fileDescriptor, $0) }
  }

  // One log line, the shape of every record (the access log's batched lines included):
  // `appendHead`, then `appendField` for each metadata pair in order, then `appendTail`.

  /// Appends `<timestamp> <level> <label>:` with the current time.
  static func appendHead(to line: inout [UInt8], level: Logger.Level, label: String) {
    appendHead(to: &line, timestamp: Array(timestamps.now().utf8), level: level, label: label)
  }

  /// Appends `<timestamp> <level> <label>:` with `timestamp` (from ``timestamp(_:)``).
  static func appendHead(
    to line: inout [UInt8], timestamp: [UInt8], level: Logger.Level, label: String
  ) {
    line.append(contentsOf: timestamp)
    line.append(UInt8(ascii: " "))
    line.append(contentsOf: level.rawValue.utf8)
    if !label.isEmpty {
      line.append(UInt8(ascii: " "))
      line.append(contentsOf: label.utf8)
    }
    line.append(UInt8(ascii: ":"))
  }

  /// Appends ` key=value`.
  static func appendField(to line: inout [UInt8], _ key: String, _ value: some StringProtocol) {
    line.append(UInt8(ascii: " "))
    line.append(contentsOf: key.utf8)
    line.append(UInt8(ascii: "="))
    line.append(contentsOf: value.utf8)
  }

  /// Appends ` [source] message` and the newline.
  static func appendTail(to line: inout [UInt8], source: String, message: String) {
    line.append(contentsOf: " [".utf8)
    line.append(contentsOf: source.utf8)
    line.append(contentsOf: "] ".utf8)
    line.append(contentsOf: message.utf8)
    line.append(UInt8(ascii: "\n"))
  }

  /// Writes all of `bytes` to `fd`, retrying short writes; gives up silently on an error.
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
    var offset = 0
    while offset < bytes.count {
      let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if written > 0 {
        offset += written
      } else if written < 0 && errno == EINTR {
        continue
      } else {
        return  // a log that cannot be written must not stop the server
      }
    }
  }

  private static let timestamps = TimestampCache()

  /// Local time as `%Y-%m-%dT%H:%M:%S%z`, formatted again only when the second changes.
  private final class TimestampCache: @unchecked Sendable {
    private let lock = NSLock()
    private var second = -1
    private var text = ""

    func now() -> String {
      let seconds = time(nil)
      return lock.withLock {
        if seconds != second {
          second = seconds
          text = LakeLogHandler.timestamp(seconds)
        }
        return text
      }
    }
  }

  /// `seconds` since the epoch as local time, `%Y-%m-%dT%H:%M:%S%z`.
  static func timestamp(_ seconds: time_t) -> String {
    var seconds = seconds
    var parts = tm()
    localtime_r(&seconds, &parts)
    var buffer = [CChar](repeating: 0, count: 64)
    let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
