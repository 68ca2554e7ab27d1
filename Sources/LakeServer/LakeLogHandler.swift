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
    let fields = merged.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value.description) }
    var line = ""
    Self.appendLine(
      to: &line, level: event.level, label: label, metadata: fields, source: event.source,
      message: event.message.description)
    var bytes = Array(line.utf8)
    bytes.withUnsafeMutableBytes { Self.writeAll(fileDescriptor, UnsafeRawBufferPointer($0)) }
  }

  /// Appends one log line, newline included, to `line`: the one line shape of every log
  /// record, the access log's batched lines included. `metadata` is in the order given.
  static func appendLine(
    to line: inout String, level: Logger.Level, label: String,
    metadata: [(key: String, value: String)], source: String, message: String
  ) {
    line.reserveCapacity(line.utf8.count + 256)
    line += timestamps.now()
    line += " "
    line += level.rawValue
    if !label.isEmpty {
      line += " "
      line += label
    }
    line += ":"
    for (key, value) in metadata {
      line += " "
      line += key
      line += "="
      line += value
    }
    line += " ["
    line += source
    line += "] "
    line += message
    line += "\n"
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
      var seconds = time(nil)
      return lock.withLock {
        if seconds != second {
          second = seconds
          var parts = tm()
          localtime_r(&seconds, &parts)
          var buffer = [CChar](repeating: 0, count: 64)
          let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
          text = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return text
      }
    }
  }
}
