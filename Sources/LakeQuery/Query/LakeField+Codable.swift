/// JSON wire forms of fields and values, as ``LakeFilter``'s tree uses them.
///
/// A field is an object with one key, its kind: `{"name": "year"}`, `{"partition": "year"}`,
/// `{"column": "amount"}`, `{"meta": "owner"}` (decoded lowercase), `{"object": "size"}`.
extension LakeField: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: WireKey.self)
    let key = try WireKey.single(container, decoder)
    var name = try container.decode(String.self, forKey: key)
    if key.stringValue == "meta" { name = name.lowercased() }
    let limits = LakeQueryLimits.of(decoder)
    guard !name.isEmpty, name.utf8.count <= limits.maxLiteralLength else {
      throw WireKey.corrupt(decoder, "an empty or too long field name")
    }
    switch key.stringValue {
    case "name": self = .name(name)
    case "partition": self = .partition(name)
    case "column": self = .column(name)
    case "meta": self = .metadata(name)
    case "object":
      guard let builtin = BuiltinField(rawValue: name) else {
        throw WireKey.corrupt(decoder, "unknown object field '\(name)'")
      }
      self = .builtin(builtin)
    default: throw WireKey.corrupt(decoder, "unknown field kind '\(key.stringValue)'")
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: WireKey.self)
    let kind: WireKey =
      switch self {
      case .name: "name"
      case .partition: "partition"
      case .column: "column"
      case .metadata: "meta"
      case .builtin: "object"
      }
    try container.encode(fieldName, forKey: kind)
  }
}

/// A value is `{"text": "05", "quoted": false}`; `quoted` may be left out for false. Decoding
/// refuses a bare value that could not be written bare (``LakeLiteral/quoted``) and one longer
/// than the decoder's ``LakeQueryLimits/maxLiteralLength``.
extension LakeLiteral: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: WireKey.self)
    try WireKey.only(["text", "quoted"], in: container, decoder)
    let text = try container.decode(String.self, forKey: "text")
    let quoted = try container.decodeIfPresent(Bool.self, forKey: "quoted") ?? false
    guard quoted || Self.isBare(text) else {
      throw WireKey.corrupt(decoder, "'\(text)' cannot be written bare; it must be quoted")
    }
    guard text.utf8.count <= LakeQueryLimits.of(decoder).maxLiteralLength else {
      throw WireKey.corrupt(decoder, "a value longer than the limit")
    }
    self.init(text, quoted: quoted)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: WireKey.self)
    try container.encode(text, forKey: "text")
    try container.encode(quoted, forKey: "quoted")
  }
}
