/// Which objects a catalog query keeps: a tree of predicates over fields, parsed from text like
/// `year=2024 AND month>=05 AND amount>100` (``init(parsing:limits:)``, grammar in
/// Docs/catalog.md), rendered back by ``description`` and sent as JSON (`LakeFilter+Codable`).
///
/// The parser and the JSON decoder give normalized trees (``normalized``): an `and` or `or`
/// has at least two operands and none of the same kind, metadata names are lowercase. Trees
/// built in code need not be; the server treats them alike.
public indirect enum LakeFilter: Sendable, Hashable {
  /// Every operand holds.
  case and([LakeFilter])
  /// At least one operand holds.
  case or([LakeFilter])
  /// The operand does not hold.
  case not(LakeFilter)
  /// `field op value`.
  case compare(LakeField, ComparisonOperator, LakeLiteral)
  /// `field IN (v1, v2, …)`, or `NOT IN` when negated.
  case `in`(LakeField, [LakeLiteral], negated: Bool)
  /// `field BETWEEN low AND high` (both ends included), or `NOT BETWEEN` when negated.
  case between(LakeField, LakeLiteral, LakeLiteral, negated: Bool)
  /// `field IS NULL` (the field has no value), or `IS NOT NULL` when negated.
  case isNull(LakeField, negated: Bool)
  /// `field LIKE 'pattern'` as in SQL: `%` any run of characters, `_` one character, `\`
  /// escapes `%`, `_` or `\`; or `NOT LIKE` when negated.
  case like(LakeField, String, negated: Bool)

  /// Parses filter text.
  ///
  /// Throws ``LakeQuerySyntaxError`` naming the first offending token, including when the text
  /// exceeds one of `limits`.
  public init(parsing text: String, limits: LakeQueryLimits = LakeQueryLimits())
    throws(LakeQuerySyntaxError)
  {
    var parser = try QueryParser(text, limits: limits)
    self = try parser.parseFilter()
  }

  /// The same filter with nested `and`s (and `or`s) merged into their parent, one-operand
  /// `and`/`or` replaced by the operand, and metadata names lowercased. An empty `and` or `or`
  /// stays (it has no text form and JSON decoding refuses it).
  public var normalized: LakeFilter {
    switch self {
    case .and(let operands): Self.flattened(operands.map(\.normalized), and: true)
    case .or(let operands): Self.flattened(operands.map(\.normalized), and: false)
    case .not(let operand): .not(operand.normalized)
    case .compare(let field, let op, let value): .compare(field.normalized, op, value)
    case .in(let field, let values, let negated): .in(field.normalized, values, negated: negated)
    case .between(let field, let low, let high, let negated):
      .between(field.normalized, low, high, negated: negated)
    case .isNull(let field, let negated): .isNull(field.normalized, negated: negated)
    case .like(let field, let pattern, let negated):
      .like(field.normalized, pattern, negated: negated)
    }
  }

  /// `operands` (already normalized) joined by `and` or `or`, nested ones of the same kind
  /// merged, a single operand returned as it is.
  static func flattened(_ operands: [LakeFilter], and: Bool) -> LakeFilter {
    var merged: [LakeFilter] = []
    for operand in operands {
      switch operand {
      case .and(let inner) where and: merged += inner
      case .or(let inner) where !and: merged += inner
      default: merged.append(operand)
      }
    }
    if merged.count == 1 { return merged[0] }
    return and ? .and(merged) : .or(merged)
  }

  /// Predicates (leaves) in the tree.
  var predicateCount: Int {
    switch self {
    case .and(let operands), .or(let operands): operands.reduce(0) { $0 + $1.predicateCount }
    case .not(let operand): operand.predicateCount
    default: 1
    }
  }

  /// How deeply parentheses and `NOT` nest in ``description``; what ``LakeQueryLimits/maxDepth``
  /// bounds.
  var textDepth: Int {
    switch self {
    case .and(let operands):
      operands.map { ($0.isGroup(and: false) ? 1 : 0) + $0.textDepth }.max() ?? 0
    case .or(let operands): operands.map(\.textDepth).max() ?? 0
    case .not(let operand): 1 + (operand.isGroup(and: nil) ? 1 : 0) + operand.textDepth
    default: 0
    }
  }

  /// Whether this is an `and` (`and` true), an `or` (false) or either (nil) of two or more
  /// operands: what needs parentheses under a `NOT` or (an `or`) under an `and`.
  func isGroup(and: Bool?) -> Bool {
    switch self {
    case .and(let operands): and != false && operands.count != 1
    case .or(let operands): and != true && operands.count != 1
    default: false
    }
  }
}

/// The comparison of a `field op value` predicate.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable, Codable {
  /// `=`
  case equal = "="
  /// `!=`, also written `<>`.
  case notEqual = "!="
  /// `<`
  case less = "<"
  /// `<=`
  case lessOrEqual = "<="
  /// `>`
  case greater = ">"
  /// `>=`
  case greaterOrEqual = ">="

  /// The operator written `text` (`<>` is `!=`).
  init?(written text: String) {
    if text == "<>" {
      self = .notEqual
    } else {
      self.init(rawValue: text)
    }
  }
}
