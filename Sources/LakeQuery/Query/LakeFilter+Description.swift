extension LakeFilter: CustomStringConvertible {
  /// The canonical text: keywords in capitals, one blank around operators and keywords, names
  /// and values quoted only where needed, parentheses only where precedence needs them
  /// (`NOT` binds tighter than `AND`, `AND` tighter than `OR`). Parsing it gives
  /// ``normalized`` within the same limits, except that the text may be longer than the text
  /// it was parsed from (blanks, quotes). An empty `and` or `or` has no text form and is
  /// written `()`.
  public var description: String {
    var text = ""
    write(to: &text)
    return text
  }

  private func write(to text: inout String) {
    switch self {
    case .and(let operands):
      Self.write(operands, joinedBy: " AND ", to: &text) { $0.isGroup(and: false) }
    case .or(let operands):
      Self.write(operands, joinedBy: " OR ", to: &text) { _ in false }
    case .not(let operand):
      text += "NOT "
      Self.write(operand, parenthesized: operand.isGroup(and: nil), to: &text)
    case .compare(let field, let op, let value):
      text += "\(field) \(op.rawValue) \(value)"
    case .in(let field, let values, let negated):
      text += "\(field) \(negated ? "NOT IN" : "IN") ("
      text += values.map(\.description).joined(separator: ", ")
      text += ")"
    case .between(let field, let low, let high, let negated):
      text += "\(field) \(negated ? "NOT BETWEEN" : "BETWEEN") \(low) AND \(high)"
    case .isNull(let field, let negated):
      text += "\(field) \(negated ? "IS NOT NULL" : "IS NULL")"
    case .like(let field, let pattern, let negated):
      text += "\(field) \(negated ? "NOT LIKE" : "LIKE") \(LakeLiteral(pattern, quoted: true))"
    }
  }

  private static func write(
    _ operands: [LakeFilter], joinedBy separator: String, to text: inout String,
    parenthesized: (LakeFilter) -> Bool
  ) {
    if operands.isEmpty { text += "()" }
    for (index, operand) in operands.enumerated() {
      if index > 0 { text += separator }
      write(operand, parenthesized: parenthesized(operand), to: &text)
    }
  }

  private static func write(_ filter: LakeFilter, parenthesized: Bool, to text: inout String) {
    if parenthesized { text += "(" }
    filter.write(to: &text)
    if parenthesized { text += ")" }
  }
}
