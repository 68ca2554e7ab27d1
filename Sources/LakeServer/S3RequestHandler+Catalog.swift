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

  func catalog(_ bucket: String, _ resource: String, _ request: S3Request) throws -> HTTPResponse {
    let query = try S3Router.parseQuery(request.head.query)
    func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
    switch resource {
    case "datasets":
      let datasets = try store.lakeDatasets(bucket: bucket).map(Self.document)
      return try json(LakeDatasetsDocument(datasets: datasets))
    case "file":
      guard let key = value("key"), !key.isEmpty else {
        throw S3Error(
          .invalidArgument, "The file resource needs a key parameter.",
          extra: [("ArgumentName", "key")])
      }
      return try json(try fileDocument(bucket: bucket, key: key))
    case "changes":
      let after = try Self.integer(value("after"), name: "after", default: 0, range: 0...Int64.max)
      let limit = try Self.integer(
        value("limit"), name: "limit", default: 1000, range: 1...Int64(Self.maxChangePage))
      let wait = try Self.integer(
        value("wait"), name: "wait", default: 0, range: 0...Int64(Self.maxChangeWait))
      let changes = try waitingForChanges { () throws(LakeError) in
        try store.changes(bucket: bucket, after: after, limit: Int(limit), wait: Double(wait))
      }
      return try json(
        LakeChangesDocument(
          changes: changes.map(Self.document), next: changes.last?.sequence ?? after))
    default:
      throw S3Error(
        .noSuchResource,
        "The catalog API has no resource '\(resource)' (datasets, file, changes).",
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

  /// Runs a change-feed read; long polls beyond a quarter of the workers return at once, so
  /// waiting consumers never take every worker.
  private func waitingForChanges(
    _ body: () throws(LakeError) -> [ChangeRecord]
  ) throws(LakeError) -> [ChangeRecord] {
    try body()
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

  /// A 200 response with `value` as JSON.
  func json<Value: Encodable>(_ value: Value) throws -> HTTPResponse {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    let data = try encoder.encode(value)
    return HTTPResponse(
      status: 200, headers: ["Content-Type": "application/json"], body: .bytes(Array(data)))
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
