/// The JSON wire form of a filter (LakeClient sends it, the server decodes it): a tagged tree,
/// each node an object with exactly one key naming its kind.
///
///     {"and": [F, F, …]}                 {"or": [F, F, …]}              {"not": F}
///     {"compare": {"field": FIELD, "op": ">=", "value": VALUE}}
///     {"in": {"field": FIELD, "values": [VALUE, …], "negated": false}}
///     {"between": {"field": FIELD, "low": VALUE, "high": VALUE, "negated": false}}
///     {"isNull": {"field": FIELD, "negated": false}}
///     {"like": {"field": FIELD, "pattern": "2024-%", "negated": false}}
///
/// `op` is one of `=`, `!=`, `<`, `<=`, `>`, `>=`; a FIELD is ``LakeField``'s form
/// (`{"partition": "year"}`), a VALUE ``LakeLiteral``'s (`{"text": "05", "quoted": false}`);
/// `negated` may be left out for false. Decoding refuses unknown or extra keys, empty `and`,
/// `or` and `IN` lists, invalid `LIKE` escapes and anything past the ``LakeQueryLimits`` the
/// decoder carries (``LakeQueryLimits/userInfoKey``); it gives the ``normalized`` tree.
extension LakeFilter: Codable {
  private static let groupTags: Set<String> = ["and", "or", "not"]

  public init(from decoder: any Decoder) throws {
    let limits = LakeQueryLimits.of(decoder)
    // and/or/not nodes above this one. A normalized tree needs at most two per level of
    // textDepth; refusing deeper ones keeps the recursion bounded.
    let nesting = decoder.codingPath.count {
      $0.intValue == nil && Self.groupTags.contains($0.stringValue)
    }
    guard nesting <= 2 * limits.maxDepth + 2 else {
      throw WireKey.corrupt(decoder, "the filter nests more than \(limits.maxDepth) deep")
    }
    let container = try decoder.container(keyedBy: WireKey.self)
    let tag = try WireKey.single(container, decoder)
    let filter: LakeFilter
    switch tag.stringValue {
    case "and", "or":
      let operands = try container.decode([LakeFilter].self, forKey: tag)
      guard !operands.isEmpty else {
        throw WireKey.corrupt(decoder, "an empty '\(tag.stringValue)'")
      }
      filter = Self.flattened(operands, and: tag.stringValue == "and")
    case "not": filter = .not(try container.decode(LakeFilter.self, forKey: tag))
    case "compare":
      let node = try container.nestedContainer(keyedBy: WireKey.self, forKey: tag)
      try WireKey.only(["field", "op", "value"], in: node, decoder)
      filter = .compare(
        try node.decode(LakeField.self, forKey: "field"),
        try node.decode(ComparisonOperator.self, forKey: "op"),
        try node.decode(LakeLiteral.self, forKey: "value"))
    case "in":
      let node = try container.nestedContainer(keyedBy: WireKey.self, forKey: tag)
      try WireKey.only(["field", "values", "negated"], in: node, decoder)
      let values = try node.decode([LakeLiteral].self, forKey: "values")
      guard !values.isEmpty, values.count <= limits.maxInListLength else {
        throw WireKey.corrupt(decoder, "an IN list of \(values.count) values")
      }
      filter = .in(
        try node.decode(LakeField.self, forKey: "field"), values,
        negated: try Self.negated(node))
    case "between":
      let node = try container.nestedContainer(keyedBy: WireKey.self, forKey: tag)
      try WireKey.only(["field", "low", "high", "negated"], in: node, decoder)
      filter = .between(
        try node.decode(LakeField.self, forKey: "field"),
        try node.decode(LakeLiteral.self, forKey: "low"),
        try node.decode(LakeLiteral.self, forKey: "high"), negated: try Self.negated(node))
    case "isNull":
      let node = try container.nestedContainer(keyedBy: WireKey.self, forKey: tag)
      try WireKey.only(["field", "negated"], in: node, decoder)
      filter = .isNull(
        try node.decode(LakeField.self, forKey: "field"), negated: try Self.negated(node))
    case "like":
      let node = try container.nestedContainer(keyedBy: WireKey.self, forKey: tag)
      try WireKey.only(["field", "pattern", "negated"], in: node, decoder)
      let pattern = try node.decode(String.self, forKey: "pattern")
      guard LikePattern.isValid(pattern), pattern.utf8.count <= limits.maxLiteralLength else {
        throw WireKey.corrupt(decoder, "an invalid or too long LIKE pattern")
      }
      filter = .like(
        try node.decode(LakeField.self, forKey: "field"), pattern,
        negated: try Self.negated(node))
    default:
      throw WireKey.corrupt(decoder, "unknown filter '\(tag.stringValue)'")
    }
    if nesting == 0 {
      // The whole tree: its limits as the parser would count them.
      guard filter.textDepth <= limits.maxDepth else {
        throw WireKey.corrupt(decoder, "the filter nests more than \(limits.maxDepth) deep")
      }
      guard filter.predicateCount <= limits.maxPredicates else {
        throw WireKey.corrupt(decoder, "more than \(limits.maxPredicates) conditions")
      }
    }
    self = filter
  }

  private static func negated(_ node: KeyedDecodingContainer<WireKey>) throws -> Bool {
    try node.decodeIfPresent(Bool.self, forKey: "negated") ?? false
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: WireKey.self)
    switch self {
    case .and(let operands): try container.encode(operands, forKey: "and")
    case .or(let operands): try container.encode(operands, forKey: "or")
    case .not(let operand): try container.encode(operand, forKey: "not")
    case .compare(let field, let op, let value):
      var node = container.nestedContainer(keyedBy: WireKey.self, forKey: "compare")
      try node.encode(field, forKey: "field")
      try node.encode(op, forKey: "op")
      try node.encode(value, forKey: "value")
    case .in(let field, let values, let negated):
      var node = container.nestedContainer(keyedBy: WireKey.self, forKey: "in")
      try node.encode(field, forKey: "field")
      try node.encode(values, forKey: "values")
      try node.encode(negated, forKey: "negated")
    case .between(let field, let low, let high, let negated):
      var node = container.nestedContainer(keyedBy: WireKey.self, forKey: "between")
      try node.encode(field, forKey: "field")
      try node.encode(low, forKey: "low")
      try node.encode(high, forKey: "high")
      try node.encode(negated, forKey: "negated")
    case .isNull(let field, let negated):
      var node = container.nestedContainer(keyedBy: WireKey.self, forKey: "isNull")
      try node.encode(field, forKey: "field")
      try node.encode(negated, forKey: "negated")
    case .like(let field, let pattern, let negated):
      var node = container.nestedContainer(keyedBy: WireKey.self, forKey: "like")
      try node.encode(field, forKey: "field")
      try node.encode(pattern, forKey: "pattern")
      try node.encode(negated, forKey: "negated")
    }
  }
}

/// Any JSON object key, so that decoding can refuse keys it does not know.
struct WireKey: CodingKey, ExpressibleByStringLiteral {
  let stringValue: String
  let intValue: Int? = nil

  init(stringValue: String) { self.stringValue = stringValue }
  init(stringLiteral value: String) { stringValue = value }
  init?(intValue: Int) { return nil }

  /// The one key of a tagged node.
  static func single(_ container: KeyedDecodingContainer<WireKey>, _ decoder: any Decoder) throws
    -> WireKey
  {
    guard container.allKeys.count == 1, let key = container.allKeys.first else {
      throw corrupt(decoder, "expected an object with one key, found \(container.allKeys.count)")
    }
    return key
  }

  /// Refuses keys outside `known`.
  static func only(
    _ known: Set<String>, in container: KeyedDecodingContainer<WireKey>, _ decoder: any Decoder
  ) throws {
    if let unknown = container.allKeys.first(where: { !known.contains($0.stringValue) }) {
      throw corrupt(decoder, "unknown key '\(unknown.stringValue)'")
    }
  }

  static func corrupt(_ decoder: any Decoder, _ message: String) -> DecodingError {
    .dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: message))
  }
}
