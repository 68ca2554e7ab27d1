import Foundation

/// Text encodings of metadata for catalog columns (JSON with sorted keys, readable in the
/// sqlite3 shell).
enum MetadataCoding {
  /// A string map (`x-amz-meta-*` values, tags) as a JSON object, or nil when it is empty.
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

  /// The inverse of `encode`; nil for NULL or unreadable text.
  static func decode<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
    guard let text else { return nil }
    return try? JSONDecoder().decode(type, from: Data(text.utf8))
  }

  /// The inverse of `encode` for `ObjectMetadata`; unreadable text yields empty metadata.
  static func decodeMetadata(_ text: String?) -> ObjectMetadata {
    guard let text else { return ObjectMetadata() }
    return (try? JSONDecoder().decode(ObjectMetadata.self, from: Data(text.utf8)))
      ?? ObjectMetadata()
  }
}

extension PartLayout {
  /// The checksums as catalog text: base64 values joined by commas.
  var encodedChecksums: String? { checksums?.joined(separator: ",") }

  /// The layout of `sizes` and `checksums` texts; nil without sizes. Checksums that do not
  /// match the part count are dropped.
  init?(sizes sizeText: String?, checksums checksumText: String?) {
    guard let sizes = sizeText.flatMap(PartSizes.decode) else { return nil }
    let checksums = checksumText.map { $0.split(separator: ",").map(String.init) }
    self.init(sizes: sizes, checksums: checksums?.count == sizes.count ? checksums : nil)
  }
}

/// The sizes of a multipart object's parts, in order, as catalog text: runs of equal sizes
/// as `size*count`, comma-separated (`8388608*12,1234`), so 10,000 equal parts stay short.
enum PartSizes {
  static func encode(_ sizes: [Int64]) -> String {
    var runs: [String] = []
    var index = 0
    while index < sizes.count {
      var end = index + 1
      while end < sizes.count && sizes[end] == sizes[index] { end += 1 }
      runs.append(end - index == 1 ? "\(sizes[index])" : "\(sizes[index])*\(end - index)")
      index = end
    }
    return runs.joined(separator: ",")
  }

  /// The inverse of `encode`; nil for unreadable text or more than 10,000 parts.
  static func decode(_ text: String) -> [Int64]? {
    var sizes: [Int64] = []
    for run in text.split(separator: ",") {
      let fields = run.split(separator: "*", omittingEmptySubsequences: false)
      guard let size = Int64(fields[0]), size >= 0, fields.count <= 2 else { return nil }
      let count = fields.count == 2 ? Int(fields[1]) : 1
      guard let count, count >= 1, sizes.count + count <= 10_000 else { return nil }
      sizes.append(contentsOf: repeatElement(size, count: count))
    }
    return sizes.isEmpty ? nil : sizes
  }
}
