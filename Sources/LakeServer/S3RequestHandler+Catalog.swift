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
      return json(try fileDocument(bucket: bucket, key: try Self.required("key", value)))
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
      let (files, next) = try queryPage(bucket, value, columns: value("columns") == "true")
      return json(LakeQueryResultDocument(files: files, next: next))
    case "manifest":
      return try manifest(bucket, value)
    case "partitions":
      return json(try partitionsDocument(bucket, value))
    case "schema":
      let dataset = try Self.required("dataset", value)
      return json(try schemaDocument(bucket: bucket, dataset: dataset))
    case "ducklake":
      return try duckLakeCopy(bucket, request)
    default:
      throw S3Error(
        .noSuchResource,
        "The catalog API has no resource '\(resource)' (datasets, partitions, schema, file, "
          + "query, manifest, changes, ducklake).",
        resource: request.head.path)
    }
  }

  /// A page of a `query` or `manifest` request's files.
  private func queryPage(_ bucket: String, _ value: (String) -> String?, columns: Bool)
    throws -> (files: [LakeFileDocument], next: String?)
  {
    let limit = try Self.integer(
      value("limit"), name: "limit", default: 1000, range: 1...Int64(Self.maxQueryPage))
    let query = try Self.lakeQuery(value)
    let page: LakeQueryPage
    do {
      page = try store.lakeQuery(bucket: bucket, query, limit: Int(limit), columns: columns)
    } catch let error as LakeQueryError {
      throw S3Error(.invalidArgument, error.message, extra: [("ArgumentName", "where")])
    }
    let files = page.matches.map { match in
      var document = Self.document(match.file)
      document.etag = match.etag
      document.modified = S3Date.iso8601(match.lastModified)
      return document
    }
    return (files, page.next)
  }

  /// A page of a manifest (``LakeManifestWriter``): the query's files as JSON lines or CSV
  /// (the header line on the first page only); `x-lake-next` is the next page's `after`,
  /// `x-lake-count` the files on this page.
  private func manifest(_ bucket: String, _ value: (String) -> String?) throws -> HTTPResponse {
    let formatText = value("format") ?? LakeManifestFormat.jsonl.rawValue
    guard let format = LakeManifestFormat(rawValue: formatText) else {
      throw S3Error(
        .invalidArgument, "format must be jsonl or csv.",
        extra: [("ArgumentName", "format"), ("ArgumentValue", formatText)])
    }
    var writer = LakeManifestWriter(format: format)
    if format == .csv, let dataset = value("dataset") {
      // One dataset: a CSV column per partition column and per data column statistic.
      writer.partitions = try store.lakePartitionColumns(bucket: bucket, dataset: dataset)
        .map(\.name)
      writer.columns = try schemaDocument(bucket: bucket, dataset: dataset).columns.map(\.name)
    }
    let (files, next) = try queryPage(bucket, value, columns: true)
    var body = value("after") == nil ? writer.header() : []
    for file in files { body += writer.line(file) }
    var headers: HTTPHeaders = [
      "Content-Type": format.contentType, "x-lake-count": String(files.count),
    ]
    if let next { headers.add(name: "x-lake-next", value: next) }
    return HTTPResponse(status: 200, headers: headers, body: .bytes(body))
  }

  /// A dataset's partition columns with a page of each one's distinct values (`column`
  /// picks one, `after` continues it).
  private func partitionsDocument(_ bucket: String, _ value: (String) -> String?) throws
    -> LakePartitionsDocument
  {
    let dataset = try Self.required("dataset", value)
    let limit = try Self.integer(
      value("limit"), name: "limit", default: 1000, range: 1...Int64(Self.maxQueryPage))
    let column = value("column")
    let after = value("after")
    if after != nil, column == nil {
      throw S3Error(
        .invalidArgument, "after continues one column's values: give the column too.",
        extra: [("ArgumentName", "after")])
    }
    let pages = try store.lakePartitionValues(
      bucket: bucket, dataset: dataset, column: column,
      after: after.map { PartitionValueCursor(value: $0) }, limit: Int(limit))
    return LakePartitionsDocument(
      dataset: dataset,
      columns: pages.map { page in
        LakePartitionValuesDocument(
          name: page.column.name, type: page.column.type.rawValue, files: page.column.files,
          nulls: page.column.nulls,
          values: page.values.map {
            LakePartitionValueCountDocument(value: $0.value, files: $0.files, bytes: $0.bytes)
          }, next: page.next.map { $0.value ?? "" })
      })
  }

  /// A dataset's merged schema, with its drift.
  private func schemaDocument(bucket: String, dataset: String) throws -> LakeSchemaDocument {
    let variants = try store.lakeSchemas(bucket: bucket, dataset: dataset)
    return LakeSchemaDocument(
      dataset: dataset,
      schemas: variants.map { variant in
        LakeSchemaVariantDocument(
          columns: variant.columns.map { LakeSchemaFieldDocument(name: $0.name, type: $0.type) },
          files: variant.files)
      })
  }

  /// A consistent copy of the bucket's DuckLake catalog (a SQLite file).
  private func duckLakeCopy(_ bucket: String, _ request: S3Request) throws -> HTTPResponse {
    guard let copy = try store.duckLakeCopy(bucket: bucket) else {
      throw S3Error(
        .noSuchResource,
        "The bucket has no DuckLake view yet (it is written once the indexer has run; "
          + "catalog_index must be on).",
        resource: request.head.path)
    }
    return HTTPResponse(
      status: 200,
      headers: [
        "Content-Type": "application/vnd.sqlite3",
        "Content-Disposition": "attachment; filename=\"\(bucket).sqlite\"",
      ],
      body: .file(HTTPFileRegion(descriptor: copy.descriptor, offset: 0, count: copy.size)))
  }

  /// A query parameter that must be present and not empty.
  static func required(_ name: String, _ value: (String) -> String?) throws(S3Error) -> String {
    guard let text = value(name), !text.isEmpty else {
      throw S3Error(
        .invalidArgument, "This resource needs a \(name) parameter.",
        extra: [("ArgumentName", name)])
    }
    return text
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
