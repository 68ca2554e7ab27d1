/// Recursive descent over ``QueryLexer``'s tokens with one token of lookahead:
///
///     expr      := andExpr ( OR andExpr )*
///     andExpr   := unary ( AND unary )*
///     unary     := NOT unary | '(' expr ')' | predicate
///     predicate := field op literal | field [NOT] IN '(' literal (',' literal)* ')'
///                | field [NOT] BETWEEN literal AND literal | field IS [NOT] NULL
///                | field [NOT] LIKE 'pattern'
///
/// Recursion only goes through `NOT` and `(`, each counted against `maxDepth`, so hostile
/// text cannot exhaust the stack.
struct QueryParser {
  let limits: LakeQueryLimits
  private var lexer: QueryLexer
  /// The current (next unconsumed) token.
  private(set) var token: QueryToken
  private var predicates = 0

  init(_ text: String, limits: LakeQueryLimits) throws(LakeQuerySyntaxError) {
    self.limits = limits
    lexer = QueryLexer(text)
    let length = text.utf8.count
    guard length <= limits.maxTextLength else {
      var bytes = 0
      var offset = 0
      for scalar in text.unicodeScalars {
        bytes += UTF8.width(scalar)
        if bytes > limits.maxTextLength { break }
        offset += 1
      }
      throw lexer.error(
        "query text is \(length) bytes, more than the limit of \(limits.maxTextLength)",
        at: offset, token: String(text.unicodeScalars.dropFirst(offset).prefix(1)))
    }
    token = QueryToken(kind: .end, value: "", source: "", offset: 0)
    token = try lexer.next()
  }

  /// A whole filter: the text must end after it.
  mutating func parseFilter() throws(LakeQuerySyntaxError) -> LakeFilter {
    if token.kind == .end { throw error("expected a condition") }
    let filter = try parseOr(depth: 0)
    try expectEnd(after: "a condition")
    return filter
  }

  mutating func expectEnd(after what: String) throws(LakeQuerySyntaxError) {
    guard token.kind == .end else {
      let more = what == "a condition" ? "AND, OR or " : ""
      throw error("expected \(more)the end after \(what)")
    }
  }

  private mutating func parseOr(depth: Int) throws(LakeQuerySyntaxError) -> LakeFilter {
    var operands = [try parseAnd(depth: depth)]
    while token.keyword == .or {
      try advance()
      operands.append(try parseAnd(depth: depth))
    }
    return LakeFilter.flattened(operands, and: false)
  }

  private mutating func parseAnd(depth: Int) throws(LakeQuerySyntaxError) -> LakeFilter {
    var operands = [try parseUnary(depth: depth)]
    while token.keyword == .and {
      try advance()
      operands.append(try parseUnary(depth: depth))
    }
    return LakeFilter.flattened(operands, and: true)
  }

  private mutating func parseUnary(depth: Int) throws(LakeQuerySyntaxError) -> LakeFilter {
    let opening = token
    guard token.keyword == .not || token.kind == .leftParen else { return try parsePredicate() }
    guard depth < limits.maxDepth else {
      throw error("parentheses and NOT nest more than \(limits.maxDepth) deep")
    }
    try advance()
    if opening.kind == .leftParen {
      let inner = try parseOr(depth: depth + 1)
      guard token.kind == .rightParen else {
        let place = LakeQuerySyntaxError(
          "", text: lexer.text, scalarOffset: opening.offset, token: "")
        throw error("expected ')' to close the '(' at column \(place.column)")
      }
      try advance()
      return inner
    }
    return .not(try parseUnary(depth: depth + 1))
  }

  private mutating func parsePredicate() throws(LakeQuerySyntaxError) -> LakeFilter {
    guard token.kind == .word || token.kind == .quotedName else {
      throw error("expected a condition")
    }
    let fieldToken = token
    predicates += 1
    guard predicates <= limits.maxPredicates else {
      throw error("more than \(limits.maxPredicates) conditions")
    }
    let field = try parseField()
    if case .comparison(let op) = token.kind {
      let written = token.source
      try advance()
      return .compare(field, op, try parseLiteral(after: "'\(written)'"))
    }
    var negated = false
    if token.keyword == .not {
      negated = true
      try advance()
      guard [.in, .between, .like].contains(token.keyword) else {
        throw error("expected IN, BETWEEN or LIKE after NOT")
      }
    }
    switch token.keyword {
    case .in:
      try advance()
      return .in(field, try parseList(), negated: negated)
    case .between:
      try advance()
      let low = try parseLiteral(after: "BETWEEN")
      guard token.keyword == .and else { throw error("expected AND after BETWEEN's low value") }
      try advance()
      return .between(field, low, try parseLiteral(after: "BETWEEN … AND"), negated: negated)
    case .like:
      try advance()
      return .like(field, try parsePattern(), negated: negated)
    case .is:
      try advance()
      if token.keyword == .not {
        negated = true
        try advance()
      }
      guard token.keyword == .null else {
        throw error("expected NULL after IS\(negated ? " NOT" : "")")
      }
      try advance()
      return .isNull(field, negated: negated)
    default:
      let name = fieldToken.source
      throw error(
        "expected an operator (=, !=, <, <=, >, >=, IN, BETWEEN, IS, LIKE) after '\(name)'")
    }
  }

  /// `( literal, … )` after IN.
  private mutating func parseList() throws(LakeQuerySyntaxError) -> [LakeLiteral] {
    guard token.kind == .leftParen else { throw error("expected '(' after IN") }
    try advance()
    var values: [LakeLiteral] = []
    while true {
      guard values.count < limits.maxInListLength else {
        throw error("more than \(limits.maxInListLength) values in an IN list")
      }
      values.append(try parseLiteral(after: values.isEmpty ? "IN (" : "','", inList: true))
      switch token.kind {
      case .comma: try advance()
      case .rightParen:
        try advance()
        return values
      default: throw error("expected ',' or ')' in the IN list")
      }
    }
  }

  private mutating func parseLiteral(after what: String, inList: Bool = false)
    throws(LakeQuerySyntaxError) -> LakeLiteral
  {
    let quoted = token.kind == .quotedText
    guard quoted || (token.kind == .word && token.keyword == nil) else {
      let hint =
        token.keyword == .null
        ? " (test for null with IS NULL)"
        : token.kind == .quotedName ? " (text values take single quotes)" : ""
      throw error("expected a value after \(what)\(hint)")
    }
    try checkLength(token.value, what: "value")
    let literal = LakeLiteral(token.value, quoted: quoted)
    try advance()
    return literal
  }

  /// The quoted pattern after LIKE, its escapes checked.
  private mutating func parsePattern() throws(LakeQuerySyntaxError) -> String {
    guard token.kind == .quotedText else {
      throw error("expected a quoted pattern after LIKE")
    }
    let pattern = token.value
    try checkLength(pattern, what: "pattern")
    guard LikePattern.isValid(pattern) else {
      throw error("in a LIKE pattern '\\' must be followed by '%', '_' or '\\'")
    }
    try advance()
    return pattern
  }

  mutating func advance() throws(LakeQuerySyntaxError) {
    token = try lexer.next()
  }

  /// An error at `at` (the current token by default).
  func error(_ message: String, at: QueryToken? = nil) -> LakeQuerySyntaxError {
    let token = at ?? self.token
    return lexer.error(message, at: token.offset, token: token.source)
  }
}
