/// Fields and the small token tests the order parser shares with the filter parser.
extension QueryParser {
  /// A field: a bare identifier, a quoted name, or `qualifier.name` / `qualifier."name"`.
  mutating func parseField() throws(LakeQuerySyntaxError) -> LakeField {
    let start = token
    if start.kind == .quotedName {
      try checkName(start.value)
      try advance()
      return .name(start.value)
    }
    guard start.kind == .word else { throw error("expected a field") }
    if let keyword = start.keyword {
      throw error(
        "a keyword cannot be a name; quote it: \"\(keyword.rawValue)\"")
    }
    guard let dot = start.value.firstIndex(of: ".") else {
      guard LakeField.isIdentifier(start.value) else {
        throw error("expected a field name; quote names with other characters")
      }
      try checkName(start.value)
      try advance()
      return .name(start.value)
    }
    let qualifier = start.value[..<dot].lowercased()
    guard let kind = LakeField.qualifiers.firstIndex(of: qualifier) else {
      throw error("unknown qualifier '\(start.value[..<dot])' (partition, column, meta or object)")
    }
    var name = String(start.value[start.value.index(after: dot)...])
    if name.isEmpty {
      try advance()
      guard token.kind == .quotedName else {
        throw error("expected a name after '\(start.source)'")
      }
      name = token.value
    } else if !LakeField.isIdentifier(name) {
      throw error("expected a field; quote names with other characters: \(qualifier).\"a.b\"")
    }
    if kind == 2 { name = name.lowercased() }  // metadata names are case-insensitive
    try checkName(name)
    let field: LakeField
    switch kind {
    case 0: field = .partition(name)
    case 1: field = .column(name)
    case 2: field = .metadata(name)
    default:
      guard let builtin = BuiltinField(rawValue: name) else {
        let known = BuiltinField.allCases.map(\.rawValue).joined(separator: ", ")
        throw error("unknown object field '\(name)' (\(known))")
      }
      field = .builtin(builtin)
    }
    try advance()
    return field
  }

  /// Consumes the current token when it is one of `words` (lowercase) in any case.
  mutating func takeWord(_ words: [String]) throws(LakeQuerySyntaxError) -> String? {
    guard token.kind == .word, let word = words.first(where: { $0 == token.value.lowercased() })
    else { return nil }
    try advance()
    return word
  }

  /// Consumes the current token when it is a comma.
  mutating func takeComma() throws(LakeQuerySyntaxError) -> Bool {
    guard token.kind == .comma else { return false }
    try advance()
    return true
  }

  func checkName(_ name: String) throws(LakeQuerySyntaxError) {
    if name.isEmpty { throw error("a name cannot be empty") }
    try checkLength(name, what: "name")
  }

  func checkLength(_ text: String, what: String) throws(LakeQuerySyntaxError) {
    guard text.utf8.count <= limits.maxLiteralLength else {
      throw error("\(what) longer than \(limits.maxLiteralLength) bytes")
    }
  }
}
