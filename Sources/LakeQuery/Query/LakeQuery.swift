/// A catalog query, the value LakeClient sends and the server executes: which objects of a
/// bucket, in what order, how many, from where.
///
/// JSON (keys of nil values left out): `{"dataset": "sales", "filter": {…},
/// "order": [{"field": {"object": "key"}, "direction": "ascending"}], "limit": 100,
/// "after": "…"}`; the filter as `LakeFilter+Codable` describes. Decoding refuses a query with
/// both a dataset and a prefix, a limit below 1, and more order fields than the decoder's
/// ``LakeQueryLimits/maxOrderFields``; a missing order is ``LakeOrder/byKey``.
public struct LakeQuery: Sendable, Hashable, Codable {
  /// The dataset to search (``DatasetPath/dataset``, `""` for the bucket's root); at most one
  /// of `dataset` and `prefix` is set, neither for the whole bucket.
  public var dataset: String?
  /// The key prefix to search.
  public var prefix: String?
  /// The objects to keep; nil keeps all.
  public var filter: LakeFilter?
  /// The result order, first key first; empty means keys ascending.
  public var order: [LakeOrder]
  /// How many objects one response returns at most (the server may return fewer).
  public var limit: Int?
  /// The continuation token of the previous response, opaque to the client.
  public var after: String?

  /// A query; by default over the whole bucket, every object, keys ascending, as many as the
  /// server returns in one response.
  public init(
    dataset: String? = nil, prefix: String? = nil, filter: LakeFilter? = nil,
    order: [LakeOrder] = [.byKey], limit: Int? = nil, after: String? = nil
  ) {
    self.dataset = dataset
    self.prefix = prefix
    self.filter = filter
    self.order = order
    self.limit = limit
    self.after = after
  }

  private enum CodingKeys: String, CodingKey {
    case dataset, prefix, filter, order, limit, after
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    dataset = try container.decodeIfPresent(String.self, forKey: .dataset)
    prefix = try container.decodeIfPresent(String.self, forKey: .prefix)
    filter = try container.decodeIfPresent(LakeFilter.self, forKey: .filter)
    order = try container.decodeIfPresent([LakeOrder].self, forKey: .order) ?? [.byKey]
    limit = try container.decodeIfPresent(Int.self, forKey: .limit)
    after = try container.decodeIfPresent(String.self, forKey: .after)
    guard dataset == nil || prefix == nil else {
      throw WireKey.corrupt(decoder, "a query has a dataset or a prefix, not both")
    }
    guard (limit ?? 1) >= 1 else { throw WireKey.corrupt(decoder, "a limit below 1") }
    guard order.count <= LakeQueryLimits.of(decoder).maxOrderFields else {
      throw WireKey.corrupt(decoder, "more than the limit of order fields")
    }
  }
}
