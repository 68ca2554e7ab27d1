/// An ordered list of header fields.
///
/// Names keep the spelling they were received or added with; lookups compare names
/// case-insensitively (RFC 9110 §5.1). Iteration yields the fields in order, including
/// repeated names, exactly as received.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
  /// One header field.
  public typealias Element = (name: String, value: String)

  private var fields: [Element]

  /// Creates an empty header list.
  public init() {
    fields = []
  }

  /// Creates a header list from `(name, value)` pairs, keeping their order.
  public init(_ pairs: [(String, String)]) {
    fields = pairs.map { (name: $0.0, value: $0.1) }
  }

  /// Creates a header list from fields in order.
  init(fields: [Element]) {
    self.fields = fields
  }

  /// Creates a header list from a literal, keeping its order.
  public init(dictionaryLiteral elements: (String, String)...) {
    self.init(elements)
  }

  /// The value of the first field called `name`, or nil.
  public subscript(name: String) -> String? {
    for field in fields where Self.equalNames(field.name, name) {
      return field.value
    }
    return nil
  }

  /// The values of every field called `name`, in order.
  public func values(_ name: String) -> [String] {
    fields.filter { Self.equalNames($0.name, name) }.map(\.value)
  }

  /// Whether a field called `name` is present.
  public func contains(_ name: String) -> Bool {
    fields.contains { Self.equalNames($0.name, name) }
  }

  /// Appends a field, keeping any existing fields of the same name.
  public mutating func add(name: String, value: String) {
    fields.append((name: name, value: value))
  }

  /// Replaces the first field called `name` and removes the others, or appends one.
  public mutating func replaceOrAdd(name: String, value: String) {
    guard let first = fields.firstIndex(where: { Self.equalNames($0.name, name) }) else {
      fields.append((name: name, value: value))
      return
    }
    fields[first] = (name: name, value: value)
    var index = fields.count - 1
    while index > first {
      if Self.equalNames(fields[index].name, name) { fields.remove(at: index) }
      index -= 1
    }
  }

  /// Removes every field called `name`.
  public mutating func remove(name: String) {
    fields.removeAll { Self.equalNames($0.name, name) }
  }

  /// The number of fields, counting repeated names separately.
  public var count: Int { fields.count }

  /// Iterates the fields in order.
  public func makeIterator() -> IndexingIterator<[Element]> {
    fields.makeIterator()
  }

  /// The comma-separated list members of every field called `name`, trimmed, lowercased and
  /// without empty members (RFC 9110 §5.6.1), e.g. for `Connection` or `Transfer-Encoding`.
  func tokens(_ name: String) -> [String] {
    Self.tokens(of: values(name))
  }

  /// The list members of `values` as ``tokens(_:)`` splits them.
  static func tokens(of values: [String]) -> [String] {
    var result: [String] = []
    for value in values {
      for member in value.split(separator: ",") {
        let trimmed = member.trimmingOWS()
        if !trimmed.isEmpty { result.append(trimmed.lowercased()) }
      }
    }
    return result
  }

  /// ASCII case-insensitive name comparison; header names are tokens, so ASCII suffices.
  static func equalNames(_ lhs: String, _ rhs: String) -> Bool {
    // Counting UTF-8 of a native string is O(1); most names differ in length.
    guard lhs.utf8.count == rhs.utf8.count else { return false }
    var left = lhs.utf8.makeIterator()
    var right = rhs.utf8.makeIterator()
    while true {
      switch (left.next(), right.next()) {
      case (nil, nil): return true
      case (let a?, let b?):
        if a == b { continue }
        if a | 0x20 != b | 0x20 { return false }
        let lower = a | 0x20
        if lower < UInt8(ascii: "a") || lower > UInt8(ascii: "z") { return false }
      default: return false
      }
    }
  }
}

extension Substring {
  /// The substring without leading and trailing spaces and tabs (OWS, RFC 9110 §5.6.3).
  func trimmingOWS() -> Substring {
    var result = self
    while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
    while let last = result.last, last == " " || last == "\t" { result.removeLast() }
    return result
  }
}
