/// One key of a query's result order: a field and a direction.
///
/// JSON: `{"field": {"object": "size"}, "direction": "descending"}`.
public struct LakeOrder: Sendable, Hashable, Codable, CustomStringConvertible {
  /// Which way values run.
  public enum Direction: String, Sendable, Hashable, Codable {
    /// Smallest first (`ASC`, the default).
    case ascending
    /// Largest first (`DESC`).
    case descending
  }

  /// What to order by.
  public var field: LakeField
  /// Which way.
  public var direction: Direction

  /// Orders by `field`, ascending unless told otherwise.
  public init(_ field: LakeField, _ direction: Direction = .ascending) {
    self.field = field
    self.direction = direction
  }

  /// The default order: keys ascending.
  public static let byKey = LakeOrder(.builtin(.key))

  /// `field` or `field DESC`, as ``parse(_:limits:)`` reads it.
  public var description: String {
    direction == .ascending ? field.description : "\(field) DESC"
  }

  /// Parses an order specification for the CLI: fields separated by commas, each optionally
  /// followed by `ASC` or `DESC` (any case): `size desc, key`. Fields are written as in a
  /// filter (`object.size`, `"event-date"`).
  ///
  /// Throws ``LakeQuerySyntaxError`` on empty text, a missing field, a word other than ASC or
  /// DESC after a field, or more than ``LakeQueryLimits/maxOrderFields`` fields.
  public static func parse(_ text: String, limits: LakeQueryLimits = LakeQueryLimits())
    throws(LakeQuerySyntaxError) -> [LakeOrder]
  {
    var parser = try QueryParser(text, limits: limits)
    var orders: [LakeOrder] = []
    while true {
      guard orders.count < limits.maxOrderFields else {
        throw parser.error("more than \(limits.maxOrderFields) fields to order by")
      }
      var order = LakeOrder(try parser.parseField())
      switch try parser.takeWord(["asc", "desc"]) {
      case "desc": order.direction = .descending
      default: break
      }
      orders.append(order)
      if try !parser.takeComma() {
        try parser.expectEnd(after: "an order (field [ASC|DESC], …)")
        return orders
      }
    }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: WireKey.self)
    try WireKey.only(["field", "direction"], in: container, decoder)
    field = try container.decode(LakeField.self, forKey: "field")
    direction = try container.decodeIfPresent(Direction.self, forKey: "direction") ?? .ascending
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: WireKey.self)
    try container.encode(field, forKey: "field")
    try container.encode(direction, forKey: "direction")
  }
}
