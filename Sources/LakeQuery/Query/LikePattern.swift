/// SQL `LIKE` patterns as ``LakeFilter/like(_:_:negated:)`` takes them: `%` matches any run of
/// characters, `_` one character, and `\` makes the next `%`, `_` or `\` literal.
enum LikePattern {
  /// Whether every `\` in `pattern` escapes a `%`, `_` or `\`.
  static func isValid(_ pattern: String) -> Bool {
    var escaping = false
    for scalar in pattern.unicodeScalars {
      if escaping {
        guard scalar == "%" || scalar == "_" || scalar == "\\" else { return false }
        escaping = false
      } else if scalar == "\\" {
        escaping = true
      }
    }
    return !escaping
  }
}
