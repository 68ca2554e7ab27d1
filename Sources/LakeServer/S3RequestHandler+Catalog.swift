import Foundation
import LakeCore
import LakeHTTP
import LakeQuery
import LakeS3

/// The catalog API, `GET /_lake/v1/BUCKET/RESOURCE` ([catalog](Docs/catalog.md)): JSON
/// documents of LakeQuery, signed and authorized like every S3 request, errors as S3 error
/// documents.
extension S3RequestHandler {
  /// The longest a change-feed request may wait for a change, in seconds.
  static let maxChangeWait = 20.0
  /// The most changes one change-feed page returns.
  static let maxChangePage = 10_000
  /// The most files one query page returns.
  static let maxQueryPage = 10_000

  /// The query of a `query` request: `dataset` or `prefix`, `where` (the filter language),
  /// `order` (`size desc`), `after` (the previous page's `next`).
  static func lakeQuery(_ value: (String) -> String?) throws(S3Error) -> LakeQuery {
    var query = LakeQuery(dataset: value("dataset"), prefix: value("prefix"))
    guard query.dataset == nil || query.prefix == nil else {
      throw S3Error(.invalidArgument, "Give a dataset or a prefix, not both.")
    }
    for (name, parse) in [
      (
        "where",
        { (text: String) throws(LakeQuerySyntaxError) in
          query.filter = try LakeFilter(parsing: text)
        }
      ),
      (
        "order",
        { (text: String) throws(LakeQuerySyntaxError) in
          query.order = try LakeOrder.parse(text)
        }
      ),
    ] as [(String, (String) throws(LakeQuerySyntaxError) -> Void)] {
      guard let text = value(name), !text.isEmpty else { continue }
      do throws(LakeQuerySyntaxError) {
        try parse(text)
      } catch {
        throw S3Error(
          .invalidArgument, "\(name): \(error.description)",
          extra: [("ArgumentName", name), ("ArgumentValue", text)])
      }
    }
    query.after = value("after")
    return query
  }

  func catalog(_ bucket: String, _ resource: String, _ request: S3Request) throws -> HTTPResponse {
    let query = try S3Router.parseQuery(request.head.query)
    func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
    switch resource {
    case "datasets":
      let datasets = try store.lakeDatasets(bucket: bucket).map(Self.document)
      return json(LakeDatasetsDocument(datasets: datasets))
    case "file":
      guard let key = value("key"), !key.isEmpty else {
        throw S3Error(
          .invalidArgument, "The file resource needs a key parameter.",
          extra: [("ArgumentName", "key")])
      }
      return json(try fileDocument(bucket: bucket, key: key))
    case "changes":
      let after = try Self.integer(value("after"), name: "after", default: 0, range: 0...Int64.max)
      let limit = try Self.integer(
        value("limit"), name: "limit", default: 1000, range: 1...Int64(Self.maxChangePage))
      let wait = try Self.integer(
        value("wait"), name: "wait", default: 0, range: 0...Int64(Self.maxChangeWait))
      let changes = try waitingForChanges(wait: Double(wait)) { (wait) throws(LakeError) in
        try store.changes(bucket: bucket, after: after, limit: Int(limit), wait: wait)
      }
      return json(
        LakeChangesDocument(
          changes: changes.map(Self.document), next: changes.last?.sequence ?? after))
    case "query":
      let limit = try Self.integer(
        value("limit"), name: "limit", default: 1000, range: 1...Int64(Self.maxQueryPage))
      let query = try Self.lakeQuery(value)
      let page: LakeQueryPage
      do {
        page = try store.lakeQuery(
          bucket: bucket, query, limit: Int(limit), columns: value("columns") == "true")
      } catch let error as LakeQueryError {
        throw S3Error(.invalidArgument, error.message, extra: [("ArgumentName", "where")])
      }
      return json(
        LakeQueryResultDocument(
          files: page.matches.map { match in
            var document = Self.document(match.file)
            document.etag = match.etag
            document.modified = S3Date.iso8601(match.lastModified)
            return document
          }, next: page.next))
    default:
      throw S3Error(
        .noSuchResource,
        "The catalog API has no resource '\(resource)' (datasets, file, changes, query).",
        resource: request.head.path)
    }
  }

  /// The index's record of the key's current version; `pending` while the indexer has not
  /// recorded that version yet.
  private func fileDocument(bucket: String, key: String) throws -> LakeFileDocument {
    let info = try store.objectInfo(bucket: bucket, key: key)
    let path = DatasetPath(key: key)
    guard let file = try store.lakeFile(bucket: bucket, key: key),
      file.sequence == info.sequence
    else {
      return LakeFileDocument(
        key: key, size: info.size, sequence: info.sequence, dataset: path.dataset,
        partitions: path.partitions.map {
          LakePartitionValueDocument(name: $0.name, value: $0.value)
        },
        format: DataFormat.unstructured.rawValue, compression: nil,
        contentType: info.metadata.contentType ?? "application/octet-stream", status: "pending",
        reason: nil, rows: nil, columns: nil)
    }
    return Self.document(file)
  }

  /// Runs a change-feed read that may wait (`wait` > 0): at most a quarter of the workers
  /// wait at once; beyond that a request is answered at once with what there is, so waiting
  /// consumers never take every worker.
  private func waitingForChanges(
    wait: Double, _ body: (Double) throws(LakeError) -> [ChangeRecord]
  ) throws(LakeError) -> [ChangeRecord] {
    guard wait > 0 else { return try body(0) }
    let limit = max(1, configuration.http.workerCount / 4)
    let waiting = waitingPolls.add(1, ordering: .relaxed).newValue
    defer { waitingPolls.subtract(1, ordering: .relaxed) }
    return try body(waiting <= limit ? wait : 0)
  }

  static func document(_ file: LakeFileInfo) -> LakeFileDocument {
    LakeFileDocument(
      key: file.key, size: file.size, sequence: file.sequence, dataset: file.path.dataset,
      partitions: file.path.partitions.map {
        LakePartitionValueDocument(name: $0.name, value: $0.value)
      },
      format: file.format.format.rawValue, compression: file.format.gzip ? "gzip" : nil,
      contentType: file.format.contentType, status: file.status.rawValue, reason: file.reason,
      rows: file.rowCount,
      columns: file.columns.isEmpty
        ? nil
        : file.columns.map {
          LakeColumnDocument(
            name: $0.name, type: $0.type, min: $0.min?.text, max: $0.max?.text,
            nulls: $0.nullCount)
        })
  }

  static func document(_ dataset: LakeDatasetInfo) -> LakeDatasetDocument {
    LakeDatasetDocument(
      name: dataset.name, files: dataset.files, bytes: dataset.bytes, rows: dataset.rows,
      partitions: dataset.partitionColumns.map {
        LakePartitionColumnDocument(
          name: $0.name, type: $0.type.rawValue, files: $0.files, nulls: $0.nulls)
      })
  }

  static func document(_ change: ChangeRecord) -> LakeChangeDocument {
    LakeChangeDocument(
      sequence: change.sequence, op: change.operation.rawValue, key: change.key,
      size: change.size, etag: change.etag, time: S3Date.iso8601(change.time))
  }

  /// A 200 response with the document as JSON.
  func json(_ document: some LakeJSONDocument) -> HTTPResponse {
    HTTPResponse(
      status: 200, headers: ["Content-Type": "application/json"], body: .bytes(document.json()))
  }

  /// A whole-number query parameter within `range`, or `InvalidArgument` naming it.
  static func integer(_ text: String?, name: String, default: Int64, range: ClosedRange<Int64>)
    throws(S3Error) -> Int64
  {
    guard let text else { return `default` }
    guard let number = Int64(text), range.contains(number) else {
      throw S3Error(
        .invalidArgument,
        "'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound).",
        extra: [("ArgumentName", name), ("ArgumentValue", text)])
    }
    return number
  }
}
