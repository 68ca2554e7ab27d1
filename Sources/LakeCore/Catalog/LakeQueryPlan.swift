import Foundation
import LakeQuery

/// The SQL of one catalog query page: scope, filter, order, continuation and limit.
///
/// Results come in the query's order with the key as tie-breaker, and continue with keyset
/// pagination (the token holds the last row's sort value and key), so every page is an index
/// seek however deep it is. A key-ordered query of a dataset whose filter requires a partition
/// column to equal one value is driven from the partition index (`lake_partitions_by_sort`),
/// which yields exactly the matching files in key order: the first page costs the same
/// whatever the dataset holds.
struct LakeQueryPlan {
  private(set) var sql = ""
  private(set) var parameters: [SQLValue] = []
  private let sortField: BuiltinField
  private let ascending: Bool

  /// The parameter that holds the JSON array of candidate keys, in a `candidates` plan.
  private(set) var candidatesParameter: Int?

  /// The plan of a page; with `candidates`, the page is drawn from a JSON array of keys
  /// (bound to ``candidatesParameter``, in key order, all after the continuation) that a
  /// ``PartitionLeapfrog`` found, instead of from the dataset's rows.
  init(
    bucket: String, _ query: LakeQuery, partitionTypes: [String: PartitionType], limit: Int,
    candidates: Bool = false
  ) throws(LakeQueryError) {
    var compiler = LakeFilterSQL(partitionTypes: partitionTypes)
    let order = query.order.first ?? .byKey
    guard
      query.order.count <= 1 || (query.order.count == 2 && query.order[1].field == .builtin(.key))
    else {
      throw LakeQueryError("a query orders by one field (and then by key)")
    }
    guard case .builtin(let sort) = compiler.resolve(order.field) else {
      throw LakeQueryError(
        "results can be ordered by key, size, modified, rows, format, dataset, etag or "
          + "content_type, not by \(order.field)")
    }
    sortField = sort
    ascending = order.direction == .ascending
    let bucketParameter = compiler.bind(.text(bucket))
    var conditions = ["f.bucket = \(bucketParameter)"]
    var from = "lake_files f"
    var orderColumn = "f.key"
    if candidates, let dataset = query.dataset {
      let keys = compiler.bind(.text("[]"))
      candidatesParameter = compiler.parameters.count
      // CROSS JOIN fixes the join order: the candidates drive, each a primary-key probe.
      from =
        "json_each(\(keys)) j CROSS JOIN lake_files f ON f.bucket = \(bucketParameter) AND f.key = j.value"
      conditions.append("f.dataset = \(compiler.bind(.text(dataset)))")
    } else if let dataset = query.dataset {
      let driving = sort == .key && ascending ? Self.drivingEquality(query.filter, compiler) : nil
      if let (name, literal) = driving, let type = partitionTypes[name],
        PartitionSeek.typedKey(literal, type) != nil
      {
        from = "lake_partitions d JOIN lake_files f ON f.bucket = d.bucket AND f.key = d.key"
        conditions = [
          "d.bucket = \(bucketParameter)", "d.dataset = \(compiler.bind(.text(dataset)))",
          "d.name = \(compiler.bind(.text(name)))",
          "d.sort = \(compiler.bind(PartitionSeek.sortKey(literal, type)))",
        ]
        orderColumn = "d.key"
      } else {
        conditions.append("f.dataset = \(compiler.bind(.text(dataset)))")
      }
    } else if let prefix = query.prefix, !prefix.isEmpty {
      conditions.append("f.key >= \(compiler.bind(.text(prefix)))")
      if let upper = ListingScan.successor(of: Array(prefix.utf8)) {
        conditions.append("f.key < \(compiler.bind(.bytes(upper)))")
      }
    }
    if let filter = query.filter {
      conditions.append(try compiler.condition(filter))
    }
    let sortExpression = Self.sortExpression(sort, compiler, keyColumn: orderColumn)
    if let token = query.after, !candidates {
      guard let (value, key) = Self.decode(token: token, numeric: Self.isNumeric(sort)) else {
        throw LakeQueryError("the continuation token is not one this server gave")
      }
      let comparison = ascending ? ">" : "<"
      if sort == .key {
        conditions.append("\(orderColumn) \(comparison) \(compiler.bind(.text(key)))")
      } else {
        conditions.append(
          "(\(sortExpression), \(orderColumn)) \(comparison) (\(compiler.bind(value)), "
            + "\(compiler.bind(.text(key))))")
      }
    }
    let direction = ascending ? "ASC" : "DESC"
    let orderBy =
      sort == .key
      ? "\(orderColumn) \(direction)"
      : "\(sortExpression) \(direction), \(orderColumn) \(direction)"
    sql = """
      SELECT f.key, \(Catalog.lakeFileColumns(table: "f")), o.etag, o.modified_ms,
        \(sortExpression)
      FROM \(from) JOIN objects o ON o.bucket = f.bucket AND o.key = f.key
      WHERE \(conditions.joined(separator: "\n  AND "))
      ORDER BY \(orderBy) LIMIT \(compiler.bind(.integer(Int64(max(1, limit)))))
      """
    parameters = compiler.parameters
  }

  /// Binds the JSON array of candidate keys of a `candidates` plan.
  mutating func setCandidates(_ json: String) {
    guard let index = candidatesParameter else { return }
    parameters[index - 1] = .text(json)
  }

  /// The continuation token after `match`: its sort value and key.
  func token(after match: LakeQueryMatch) -> String {
    let file = match.file
    let value: String
    switch sortField {
    case .key: value = ""
    case .size: value = String(file.size)
    case .modified:
      value = String(Int64((match.lastModified.timeIntervalSince1970 * 1000).rounded()))
    case .rows: value = String(file.rowCount ?? -1)
    case .format: value = file.format.format.rawValue
    case .dataset: value = file.path.dataset
    case .etag: value = match.etag
    case .contentType: value = file.format.contentType
    }
    let text = "\(value.utf8.count):\(value)\(file.key)"
    return Data(text.utf8).base64EncodedString()
  }

  /// The sort value and key a token holds; nil for a token this server did not give.
  static func decode(token: String, numeric: Bool) -> (SQLValue, String)? {
    guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
      let colon = text.firstIndex(of: ":"), let length = Int(text[..<colon]), length >= 0
    else { return nil }
    let rest = Array(text[text.index(after: colon)...].utf8)
    guard rest.count >= length else { return nil }
    let value = String(decoding: rest[..<length], as: UTF8.self)
    let key = String(decoding: rest[length...], as: UTF8.self)
    if numeric {
      guard let number = Int64(value.isEmpty ? "0" : value) else { return nil }
      return (.integer(number), key)
    }
    return (.text(value), key)
  }

  static func isNumeric(_ field: BuiltinField) -> Bool {
    field == .size || field == .modified || field == .rows
  }

  private static func sortExpression(
    _ field: BuiltinField, _ compiler: LakeFilterSQL, keyColumn: String
  )
    -> String
  {
    switch field {
    case .key: keyColumn
    case .rows: "COALESCE(f.row_count, -1)"
    default: compiler.builtinColumn(field)
    }
  }

  /// A top-level `partition = value` of the filter (alone or among AND operands).
  static func drivingEquality(_ filter: LakeFilter?, _ compiler: LakeFilterSQL)
    -> (String, LakeLiteral)?
  {
    guard let filter else { return nil }
    let operands: [LakeFilter]
    if case .and(let all) = filter { operands = all } else { operands = [filter] }
    for operand in operands {
      if case .compare(let field, .equal, let literal) = operand,
        case .partition(let name) = compiler.resolve(field)
      {
        return (name, literal)
      }
    }
    return nil
  }
}
