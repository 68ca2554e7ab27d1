/// Query text (a filter, a field or an order specification) that does not parse, with the
/// token where parsing stopped.
public struct LakeQuerySyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was wrong, without the location: `expected a value after '>='`.
  public let message: String
  /// 0-based offset, in characters, of the offending token in the text.
  public let offset: Int
  /// The offending token as written, or `end of input`.
  public let token: String
  /// 1-based line of the token.
  public let line: Int
  /// 1-based column of the token in its line, in characters.
  public let column: Int

  /// The token text for an error at the end of the input.
  public static let endOfInput = "end of input"

  /// An error at `scalarOffset` (in Unicode scalars) of `text`.
  init(_ message: String, text: String, scalarOffset: Int, token: String) {
    self.message = message
    self.token = token
    let scalars = text.unicodeScalars
    let end =
      scalars.index(scalars.startIndex, offsetBy: scalarOffset, limitedBy: scalars.endIndex)
      ?? scalars.endIndex
    let before = text[..<end]
    offset = before.count
    line = before.reduce(1) { $1.isNewline ? $0 + 1 : $0 }
    column =
      before.count - (before.lastIndex(where: \.isNewline).map { before[...$0].count } ?? 0) + 1
  }

  /// `expected a value after '>=' at column 17, found 'AND'` (`line 2, column 3` past the
  /// first line); a long token is cut at 40 characters.
  public var description: String {
    let place = line == 1 ? "column \(column)" : "line \(line), column \(column)"
    let found =
      token == Self.endOfInput
      ? token : "'\(token.count > 40 ? String(token.prefix(40)) + "…" : token)'"
    return "\(message) at \(place), found \(found)"
  }

  /// The line of `text` (the text that was parsed) holding the token, and under it a line of
  /// carets under the token, for a terminal:
  ///
  ///     year=2024 AND month>= AND x
  ///                           ^^^
  ///
  /// Tabs before the token are kept so the carets line up; wide characters may shift them.
  public func annotated(_ text: String) -> String {
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    guard line - 1 < lines.count else { return text }
    let shown = lines[line - 1]
    let lead = shown.prefix(column - 1).map { $0 == "\t" ? "\t" : " " }.joined()
    let width = token == Self.endOfInput ? 1 : max(1, min(token.count, shown.count - column + 1))
    return String(shown) + "\n" + lead + String(repeating: "^", count: width)
  }
}
