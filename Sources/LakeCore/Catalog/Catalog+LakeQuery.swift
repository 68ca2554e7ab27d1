import Foundation
import LakeQuery

/// One object a catalog query matched.
public struct LakeQueryMatch: Sendable, Equatable {
  /// The index's record (columns only when asked for).
  public var file: LakeFileInfo
  public var etag: String
  public var lastModified: Date
}

/// A page of query results and the token that continues after it (nil on the last page).
public struct LakeQueryPage: Sendable, Equatable {
  public var matches: [LakeQueryMatch]
  public var next: String?
}

extension Catalog {
  /// Runs `query` on `bucket` (see ``LakeFilterSQL`` for the semantics): at most `limit`
  /// matches in the query's order, continuing after `query.after`.
  func lakeQuery(bucket: String, _ query: LakeQuery, limit: Int, columns: Bool) throws
    -> LakeQueryPage
  {
    try read { (connection) throws(LakeError) -> Result<LakeQueryPage, LakeQueryError> in
      try connection.update("BEGIN")
      defer { try? connection.update("COMMIT") }
      guard try Self.bucketExists(bucket, on: connection) else { throw .noSuchBucket(bucket) }
      let types = try Self.scopePartitionTypes(
        bucket: bucket, dataset: query.dataset, on: connection)
      var matches: [LakeQueryMatch]
      let plan: LakeQueryPlan
      do {
        plan = try LakeQueryPlan(bucket: bucket, query, partitionTypes: types, limit: limit)
        if let dataset = query.dataset,
          var frog = try Self.leapfrog(
            query, types: types, bucket: bucket, dataset: dataset, on: connection)
        {
          let candidates = try LakeQueryPlan(
            bucket: bucket, query, partitionTypes: types, limit: limit, candidates: true)
          matches = try Self.leapfrogMatches(
            candidates, &frog, after: query.after, limit: limit, bucket: bucket, on: connection)
        } else {
          matches = try Self.run(plan, bucket: bucket, on: connection)
        }
      } catch let error as LakeQueryError {
        return .failure(error)
      } catch let error as LakeError {
        throw error
      } catch {
        throw .catalog("\(error)")
      }
      if columns {
        for index in matches.indices {
          matches[index].file.columns = try Self.columns(
            bucket: bucket, key: matches[index].file.key, on: connection)
        }
      }
      var next: String?
      if matches.count == limit, let last = matches.last {
        next = plan.token(after: last)
      }
      return .success(LakeQueryPage(matches: matches, next: next))
    }.get()
  }

  /// A leapfrog over the filter's partition conditions, when the query is a key-ordered
  /// dataset query whose conditions are not one plain equality (which the plan's own index
  /// scan serves best), and its ranges cover at most 256 values each.
  static func leapfrog(
    _ query: LakeQuery, types: [String: PartitionType], bucket: String, dataset: String,
    on connection: SQLiteConnection
  ) throws(LakeError) -> PartitionLeapfrog? {
    guard query.order.first.map({ $0 == .byKey }) ?? true else { return nil }
    let compiler = LakeFilterSQL(partitionTypes: types)
    let seeks = PartitionSeek.conditions(in: query.filter, compiler, types: types)
    if seeks.isEmpty { return nil }
    if seeks.count == 1, case .set(let values) = seeks[0].values, values.count == 1 { return nil }
    return try PartitionLeapfrog(
      seeks, bucket: bucket, dataset: dataset, maxValues: 256, on: connection)
  }

  /// Up to `limit` matches among the leapfrog's candidates, in key order.
  static func leapfrogMatches(
    _ plan: LakeQueryPlan, _ frog: inout PartitionLeapfrog, after token: String?, limit: Int,
    bucket: String, on connection: SQLiteConnection
  ) throws(LakeQueryError) -> [LakeQueryMatch] {
    var cursor: [UInt8]?
    if let token {
      guard let (_, key) = LakeQueryPlan.decode(token: token, numeric: false) else {
        throw LakeQueryError("the continuation token is not one this server gave")
      }
      cursor = Array(key.utf8)
    }
    var matches: [LakeQueryMatch] = []
    var plan = plan
    while matches.count < limit, !frog.exhausted {
      do throws(LakeError) {
        let keys = try frog.keys(
          after: cursor, count: max(64, limit - matches.count), on: connection)
        guard let last = keys.last else { break }
        cursor = last
        // The candidates as a JSON array for json_each (JSONWriter: JSONEncoder cost a
        // twentieth of a 1,000-file page).
        var writer = JSONWriter()
        writer.openArray()
        for key in keys { writer.string(String(decoding: key, as: UTF8.self)) }
        writer.closeArray()
        plan.setCandidates(String(decoding: writer.bytes, as: UTF8.self))
        matches += try run(plan, bucket: bucket, on: connection)
      } catch {
        throw LakeQueryError("the catalog failed: \(error)")
      }
    }
    return Array(matches.prefix(limit))
  }

  /// The rows of one plan.
  static func run(_ plan: LakeQueryPlan, bucket: String, on connection: SQLiteConnection)
    throws(LakeError) -> [LakeQueryMatch]
  {
    try connection.run(plan.sql) { (statement) throws(LakeError) -> [LakeQueryMatch] in
      for (index, value) in plan.parameters.enumerated() {
        try statement.bind(Int32(index + 1), value)
      }
      var matches: [LakeQueryMatch] = []
      while try statement.step() {
        let file = lakeFileRecord(statement, from: 1, bucket: bucket, key: statement.text(0))
        matches.append(
          LakeQueryMatch(
            file: file, etag: statement.text(10),
            lastModified: Milliseconds.date(statement.int64(11))))
      }
      return matches
    }
  }

  /// The partition columns of the query's scope and their types: the dataset's own, or for
  /// a whole bucket or a prefix every dataset's, tallied together.
  static func scopePartitionTypes(
    bucket: String, dataset: String?, on connection: SQLiteConnection
  ) throws(LakeError) -> [String: PartitionType] {
    if let dataset {
      let columns = try partitionColumns(bucket: bucket, dataset: dataset, on: connection)
      return Dictionary(columns.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
    }
    return try connection.run(
      """
      SELECT name, sum(files), sum(nulls), sum(integers), sum(decimals), sum(dates),
        sum(timestamps)
      FROM lake_partition_columns WHERE bucket = ?1 GROUP BY name
      """
    ) { (statement) throws(LakeError) -> [String: PartitionType] in
      try statement.bind(1, bucket)
      var types: [String: PartitionType] = [:]
      while try statement.step() {
        types[statement.text(0)] = PartitionColumn.type(
          files: statement.int64(1), nulls: statement.int64(2),
          counts: (statement.int64(3), statement.int64(4), statement.int64(5), statement.int64(6)))
      }
      return types
    }
  }

  /// The key's columns from the index, in order.
  static func columns(bucket: String, key: String, on connection: SQLiteConnection)
    throws(LakeError) -> [LakeColumn]
  {
    try connection.run(
      """
      SELECT name, type, min_value, max_value, null_count FROM lake_columns
      WHERE bucket = ?1 AND key = ?2 ORDER BY position
      """
    ) { (statement) throws(LakeError) -> [LakeColumn] in
      try statement.bind(1, bucket)
      try statement.bind(2, key)
      var columns: [LakeColumn] = []
      while try statement.step() {
        let type = statement.text(1)
        columns.append(
          LakeColumn(
            name: statement.text(0), type: type, min: statement.typedValue(2, type: type),
            max: statement.typedValue(3, type: type), nullCount: statement.optionalInt64(4)))
      }
      return columns
    }
  }
}
