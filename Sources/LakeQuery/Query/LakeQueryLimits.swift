/// Bounds on what a query may hold, checked by the parser and by JSON decoding alike, so that
/// hostile text or JSON costs bounded time and stack.
///
/// The defaults suit interactive and programmatic use; the server may pass tighter ones to
/// `JSONDecoder` through ``userInfoKey``.
public struct LakeQueryLimits: Sendable, Hashable {
  /// Bytes (UTF-8) of query text. Default 64 KiB.
  public var maxTextLength: Int
  /// How deeply parentheses and `NOT` may nest in the query's text: `NOT (a = 1 OR b = 2)` is
  /// 2. For a tree (decoded JSON), the nesting of its canonical text. Default 64.
  public var maxDepth: Int
  /// Predicates (comparisons, `IN`, `BETWEEN`, `IS NULL`, `LIKE`) in one filter. Default 1,000.
  public var maxPredicates: Int
  /// Values in one `IN` list. Default 10,000.
  public var maxInListLength: Int
  /// Bytes (UTF-8) of one value, `LIKE` pattern or field name. Default 4 KiB.
  public var maxLiteralLength: Int
  /// Fields in one order specification. Default 16.
  public var maxOrderFields: Int

  /// Limits, each defaulting to the value documented on its property.
  public init(
    maxTextLength: Int = 64 * 1024, maxDepth: Int = 64, maxPredicates: Int = 1_000,
    maxInListLength: Int = 10_000, maxLiteralLength: Int = 4 * 1024, maxOrderFields: Int = 16
  ) {
    self.maxTextLength = maxTextLength
    self.maxDepth = maxDepth
    self.maxPredicates = maxPredicates
    self.maxInListLength = maxInListLength
    self.maxLiteralLength = maxLiteralLength
    self.maxOrderFields = maxOrderFields
  }

  /// The `userInfo` key under which a decoder may carry the limits that decoding a
  /// ``LakeFilter`` or ``LakeQuery`` enforces (the defaults when absent).
  public static let userInfoKey = CodingUserInfoKey(rawValue: "LakeQueryLimits")!

  /// The limits a decoder carries, or the defaults.
  static func of(_ decoder: any Decoder) -> LakeQueryLimits {
    decoder.userInfo[userInfoKey] as? LakeQueryLimits ?? LakeQueryLimits()
  }
}
