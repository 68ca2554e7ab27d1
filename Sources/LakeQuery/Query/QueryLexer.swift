/// The reserved words of filter text, matched case-insensitively.
enum QueryKeyword: String, CaseIterable {
  case and, or, not, `in`, between, `is`, null, like

  /// The keyword `word` spells in any case, if any.
  init?(word: some StringProtocol) {
    guard word.utf8.count <= 7 else { return nil }
    self.init(rawValue: word.lowercased())
  }

  /// As the canonical text writes it.
  var written: String { rawValue.uppercased() }
}

/// One token of filter text.
struct QueryToken {
  enum Kind: Equatable {
    /// A run of bare-token characters: a keyword, a field (`partition.year`) or a value.
    case word
    /// `"…"`, a name; `value` has the quotes removed.
    case quotedName
    /// `'…'`, a value; `value` has the quotes removed.
    case quotedText
    case comparison(ComparisonOperator)
    case leftParen, rightParen, comma, end
  }

  var kind: Kind
  /// The word, or a quoted token's content.
  var value: String
  /// The token as written (`end of input` at the end).
  var source: String
  /// Offset of its first Unicode scalar in the text.
  var offset: Int

  var keyword: QueryKeyword? { kind == .word ? QueryKeyword(word: value) : nil }
}

/// Splits filter text into tokens on demand, so that the first error in the text is the one
/// reported. Blanks (any Unicode white space) between tokens are skipped.
struct QueryLexer {
  let text: String
  private let scalars: [Unicode.Scalar]
  private var index = 0

  init(_ text: String) {
    self.text = text
    scalars = Array(text.unicodeScalars)
  }

  /// The next token (`.end` at the end and ever after).
  mutating func next() throws(LakeQuerySyntaxError) -> QueryToken {
    while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
    let start = index
    guard index < scalars.count else {
      return QueryToken(
        kind: .end, value: "", source: LakeQuerySyntaxError.endOfInput, offset: start)
    }
    let first = scalars[index]
    index += 1
    switch first {
    case "(": return token(.leftParen, from: start)
    case ")": return token(.rightParen, from: start)
    case ",": return token(.comma, from: start)
    case "'", "\"":
      let value = try quoted(by: first, from: start)
      return token(first == "'" ? .quotedText : .quotedName, from: start, value: value)
    case "=", "<", ">", "!":
      while index < scalars.count, "=<>!".unicodeScalars.contains(scalars[index]) { index += 1 }
      let written = source(from: start)
      guard let op = ComparisonOperator(written: written) else {
        let hint = written == "==" ? "; use '='" : ""
        throw error("unknown operator\(hint)", at: start, token: written)
      }
      return token(.comparison(op), from: start)
    default:
      guard LakeLiteral.isBareScalar(first) else {
        let written = String(Character(first))
        throw error("unexpected character", at: start, token: written)
      }
      while index < scalars.count, LakeLiteral.isBareScalar(scalars[index]) { index += 1 }
      return token(.word, from: start)
    }
  }

  /// The content of a quoted token whose opening `quote` is at `start`; a doubled quote is one.
  private mutating func quoted(by quote: Unicode.Scalar, from start: Int)
    throws(LakeQuerySyntaxError) -> String
  {
    var content = String.UnicodeScalarView()
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      if scalar == quote {
        guard index < scalars.count, scalars[index] == quote else { return String(content) }
        index += 1
      }
      content.append(scalar)
    }
    let what = quote == "'" ? "text" : "name"
    throw error("unterminated quoted \(what)", at: start, token: source(from: start))
  }

  /// `text` between `quote`s with each `quote` doubled, what ``quoted(by:from:)`` undoes.
  /// Works on Unicode scalars: a quote followed by a combining mark is still a quote.
  static func quoting(_ text: String, in quote: Unicode.Scalar) -> String {
    var quoted = String.UnicodeScalarView()
    quoted.append(quote)
    for scalar in text.unicodeScalars {
      quoted.append(scalar)
      if scalar == quote { quoted.append(quote) }
    }
    quoted.append(quote)
    return String(quoted)
  }

  private func source(from start: Int) -> String {
    String(String.UnicodeScalarView(scalars[start..<index]))
  }

  private func token(_ kind: QueryToken.Kind, from start: Int, value: String? = nil) -> QueryToken {
    let source = source(from: start)
    return QueryToken(kind: kind, value: value ?? source, source: source, offset: start)
  }

  func error(_ message: String, at offset: Int, token: String) -> LakeQuerySyntaxError {
    LakeQuerySyntaxError(message, text: text, scalarOffset: offset, token: token)
  }
}
