import Foundation

/// Text encodings of metadata for catalog columns (JSON with sorted keys, readable in the
/// sqlite3 shell).
enum MetadataCoding {
  /// `x-amz-meta-*` values as a JSON object, or nil when there are none.
  static func encodeUser(_ values: [String: String]) -> String? {
    values.isEmpty ? nil : encode(values)
  }

  /// The inverse of `encodeUser`; nil or unreadable text yields no values.
  static func decodeUser(_ text: String?) -> [String: String] {
    guard let text else { return [:] }
    return (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
  }

  /// A whole `ObjectMetadata` as JSON (used by intents).
  static func encode<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    guard let data = try? encoder.encode(value) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }

  /// The inverse of `encode` for `ObjectMetadata`; unreadable text yields empty metadata.
  static func decodeMetadata(_ text: String?) -> ObjectMetadata {
    guard let text else { return ObjectMetadata() }
    return (try? JSONDecoder().decode(ObjectMetadata.self, from: Data(text.utf8)))
      ?? ObjectMetadata()
  }
}
