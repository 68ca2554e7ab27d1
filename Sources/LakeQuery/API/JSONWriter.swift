/// A small JSON writer for the catalog API's documents, writing UTF-8 bytes.
///
/// The server writes pages of thousands of files; Foundation's `JSONEncoder` spent about a
/// third of a 1,000-file query page. Each document writes itself (``LakeJSONDocument``) and
/// decodes with `JSONDecoder` (its `Decodable` conformance): tests check that every document
/// decodes back to itself, so the two stay one format.
public struct JSONWriter: Sendable {
  public private(set) var bytes: [UInt8] = []
  /// Whether the next value in the current object or array needs a comma before it.
  private var needsComma = false

  public init() {
    bytes.reserveCapacity(4096)
  }

  public mutating func openObject() {
    separate()
    bytes.append(UInt8(ascii: "{"))
    needsComma = false
  }

  public mutating func closeObject() {
    bytes.append(UInt8(ascii: "}"))
    needsComma = true
  }

  public mutating func openArray() {
    separate()
    bytes.append(UInt8(ascii: "["))
    needsComma = false
  }

  public mutating func closeArray() {
    bytes.append(UInt8(ascii: "]"))
    needsComma = true
  }

  /// Writes `"name":`; the value follows.
  public mutating func key(_ name: String) {
    separate()
    appendString(name)
    bytes.append(UInt8(ascii: ":"))
    needsComma = false
  }

  public mutating func string(_ value: String) {
    separate()
    appendString(value)
    needsComma = true
  }

  public mutating func number(_ value: Int64) {
    separate()
    var text = String(value)
    text.withUTF8 { bytes.append(contentsOf: $0) }
    needsComma = true
  }

  public mutating func null() {
    separate()
    bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    needsComma = true
  }

  /// `"name": value` for each non-nil member; nil members are left out, as `JSONEncoder`
  /// leaves them out.
  public mutating func member(_ name: String, _ value: String?) {
    guard let value else { return }
    key(name)
    string(value)
  }

  public mutating func member(_ name: String, _ value: Int64?) {
    guard let value else { return }
    key(name)
    number(value)
  }

  public mutating func member(_ name: String, _ value: Bool?) {
    guard let value else { return }
    key(name)
    separate()
    bytes.append(contentsOf: Array((value ? "true" : "false").utf8))
    needsComma = true
  }

  /// Writes the documents as a JSON array.
  public mutating func array(_ documents: [some LakeJSONDocument]) {
    openArray()
    for document in documents { document.write(to: &self) }
    closeArray()
  }

  private mutating func separate() {
    if needsComma { bytes.append(UInt8(ascii: ",")) }
  }

  /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, ... or `\u00XX`;
  /// everything else (all of Unicode) as its UTF-8 bytes.
  private mutating func appendString(_ value: String) {
    bytes.append(UInt8(ascii: "\""))
    var value = value
    value.withUTF8 { utf8 in
      var start = 0
      for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
        bytes.append(contentsOf: utf8[start..<index])
        switch byte {
        case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
        case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
        case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
        case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
        default:
          let hex = Array("0123456789abcdef".utf8)
          bytes.append(contentsOf: [
            0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
          ])
        }
        start = index + 1
      }
      bytes.append(contentsOf: utf8[start...])
    }
    bytes.append(UInt8(ascii: "\""))
  }
}

/// A catalog API document that writes itself as JSON (``JSONWriter``).
public protocol LakeJSONDocument: Decodable {
  func write(to writer: inout JSONWriter)
}

extension LakeJSONDocument {
  /// The document as JSON bytes.
  public func json() -> [UInt8] {
    var writer = JSONWriter()
    write(to: &writer)
    return writer.bytes
  }
}

extension LakeFileDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("key", key)
    writer.member("size", size)
    writer.member("sequence", sequence)
    writer.member("dataset", dataset)
    writer.key("partitions")
    writer.array(partitions)
    writer.member("format", format)
    writer.member("compression", compression)
    writer.member("contentType", contentType)
    writer.member("status", status)
    writer.member("reason", reason)
    writer.member("rows", rows)
    if let columns {
      writer.key("columns")
      writer.array(columns)
    }
    writer.member("etag", etag)
    writer.member("modified", modified)
    writer.closeObject()
  }
}

extension LakePartitionValueDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("name", name)
    writer.member("value", value)
    writer.closeObject()
  }
}

extension LakeColumnDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("name", name)
    writer.member("type", type)
    writer.member("min", min)
    writer.member("max", max)
    writer.member("nulls", nulls)
    writer.closeObject()
  }
}

extension LakeDatasetDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("name", name)
    writer.member("files", files)
    writer.member("bytes", bytes)
    writer.member("rows", rows)
    writer.key("partitions")
    writer.array(partitions)
    writer.closeObject()
  }
}

extension LakePartitionColumnDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("name", name)
    writer.member("type", type)
    writer.member("files", files)
    writer.member("nulls", nulls)
    writer.closeObject()
  }
}

extension LakeChangeDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("sequence", sequence)
    writer.member("op", op)
    writer.member("key", key)
    writer.member("size", size)
    writer.member("etag", etag)
    writer.member("time", time)
    writer.closeObject()
  }
}

extension LakeChangesDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.key("changes")
    writer.array(changes)
    writer.member("next", next)
    writer.closeObject()
  }
}

extension LakeDatasetsDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.key("datasets")
    writer.array(datasets)
    writer.closeObject()
  }
}

extension LakeQueryResultDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.key("files")
    writer.array(files)
    writer.member("next", next)
    writer.closeObject()
  }
}
