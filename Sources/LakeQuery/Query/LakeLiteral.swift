/// A value in a predicate, kept as written: the server interprets the text by the type of the
/// field it is compared with, so `05` against an integer partition column is 5 and against a
/// text one is `"05"`.
///
/// Written bare (numbers, dates, timestamps and plain words: `2024`, `-3.5`, `1e6`,
/// `2024-05-01T10:00:00+02:00`, `parquet`, `10MB`: ASCII letters, digits and `_ . : + - /`) or
/// in single quotes with `''` for a quote (`'eu west'`, `'it''s'`, `''`). A keyword (`and`,
/// `null`, …) or any other text must be quoted.
public struct LakeLiteral: Sendable, Hashable, CustomStringConvertible {
  /// The text, quotes removed and `''` undone.
  public let text: String
  /// Whether it was written in single quotes. Always true for text that cannot be written
  /// bare. Comparisons take the text by the field's type either way; quoting only lets a value
  /// hold spaces, keywords and other characters.
  public let quoted: Bool

  /// A literal; `quoted` becomes true when `text` cannot be written bare.
  public init(_ text: String, quoted: Bool = false) {
    self.text = text
    self.quoted = quoted || !Self.isBare(text)
  }

  /// The canonical text: bare when written bare, else single-quoted.
  public var description: String {
    quoted ? QueryLexer.quoting(text, in: "'") : text
  }

  /// The text as a value of `type` (``PartitionType/parse(_:)``), or nil when it is not one.
  public func typed(as type: PartitionType) -> TypedValue? {
    type.parse(text)
  }

  /// Whether `text` can be written bare: non-empty, only bare-token characters, no keyword.
  static func isBare(_ text: String) -> Bool {
    !text.isEmpty && text.unicodeScalars.allSatisfy(isBareScalar) && QueryKeyword(word: text) == nil
  }

  /// ASCII letters, digits and `_ . : + - /`.
  static func isBareScalar(_ scalar: Unicode.Scalar) -> Bool {
    LakeField.isAlphanumeric(scalar) || "_.:+-/".unicodeScalars.contains(scalar)
  }
}
