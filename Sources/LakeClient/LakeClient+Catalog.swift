import Foundation
import LakeQuery
import LakeS3

/// LakeStore's catalog API (`/_lake/v1/`, Docs/catalog.md): datasets, files, queries and the
/// change feed. Other S3 services answer these requests with an error.
extension LakeClient {
  /// The bucket's datasets with their totals and partition columns.
  public func datasets(in bucket: String) async throws(LakeClientError) -> [LakeDatasetDocument] {
    try await catalog(LakeDatasetsDocument.self, bucket, "datasets").datasets
  }

  /// What the catalog knows of the key's current version (`status` is `pending` until the
  /// server's indexer has recorded it).
  public func catalogFile(bucket: String, key: String) async throws(LakeClientError)
    -> LakeFileDocument
  {
    try await catalog(LakeFileDocument.self, bucket, "file", [("key", key)])
  }

  /// The files of `bucket` that `query` matches, fetched a page (`pageSize`) at a time as the
  /// loop asks; with `columns`, each file's columns and statistics too.
  public func query(
    bucket: String, _ query: LakeQuery, pageSize: Int = 1000, columns: Bool = false
  ) -> LakeQueryResults {
    LakeQueryResults(
      client: self, bucket: bucket, query: query, pageSize: pageSize, columns: columns)
  }

  /// The bucket's changes after sequence `after`, oldest first, a page at a time; with
  /// `follow`, the sequence never ends: it waits (long polls) for the next changes. Store
  /// the last `sequence` handled to resume exactly there.
  public func changes(bucket: String, after: Int64 = 0, follow: Bool = false, pageSize: Int = 1000)
    -> LakeChanges
  {
    LakeChanges(client: self, bucket: bucket, after: after, follow: follow, pageSize: pageSize)
  }

  /// A dataset's partition columns, each with every distinct value and the files and bytes
  /// that have it (fetched `pageSize` values per request); only `column` when given.
  public func partitions(
    bucket: String, dataset: String, column: String? = nil, pageSize: Int = 1000
  ) async throws(LakeClientError) -> [LakePartitionValuesDocument] {
    var base: [(name: String, value: String)] = [
      ("dataset", dataset), ("limit", String(max(1, pageSize))),
    ]
    if let column { base.append(("column", column)) }
    var columns = try await catalog(LakePartitionsDocument.self, bucket, "partitions", base)
      .columns
    // Columns cut short continue one at a time.
    for index in columns.indices {
      while let after = columns[index].next {
        let page = try await catalog(
          LakePartitionsDocument.self, bucket, "partitions",
          base.filter { $0.name != "column" } + [
            ("column", columns[index].name), ("after", after),
          ])
        guard let more = page.columns.first else { break }
        columns[index].values += more.values
        columns[index].next = more.next
      }
    }
    return columns
  }

  /// A dataset's merged schema, with the schemas its files disagree on (drift).
  public func schema(bucket: String, dataset: String) async throws(LakeClientError)
    -> LakeSchemaDocument
  {
    try await catalog(LakeSchemaDocument.self, bucket, "schema", [("dataset", dataset)])
  }

  /// Writes the manifest of the files `query` matches (``LakeManifestWriter``: key, size,
  /// ETag, partition values, rows, column statistics) to `sink`, a page (`pageSize` files)
  /// at a time; returns how many files it listed.
  @discardableResult
  public func manifest(
    bucket: String, _ query: LakeQuery, format: LakeManifestFormat, pageSize: Int = 1000,
    sink: (Data) throws -> Void
  ) async throws(LakeClientError) -> Int {
    var parameters = Self.queryParameters(query, pageSize: pageSize)
    parameters.append(("format", format.rawValue))
    var after = query.after
    var files = 0
    repeat {
      var page = parameters
      if let after { page.append(("after", after)) }
      let response = try await send(catalogRequest(bucket, "manifest", page))
      do {
        try sink(response.body)
      } catch {
        throw .local("cannot write the manifest: \(error)", resource: bucket)
      }
      files += response.header("x-lake-count").flatMap { Int($0) } ?? 0
      after = response.header("x-lake-next")
    } while after != nil
    return files
  }

  /// Saves a consistent copy of the bucket's DuckLake catalog (a SQLite file DuckDB attaches
  /// with `ducklake:sqlite:FILE`) at `file`: written beside it and renamed into place.
  public func duckLake(bucket: String, to file: URL) async throws(LakeClientError) {
    let temporary = file.deletingLastPathComponent().appendingPathComponent(
      ".\(file.lastPathComponent).lakectl-\(UUID().uuidString.prefix(8))")
    let writer = try LocalFile.PositionalWriter(creating: temporary.path)
    var finished = false
    defer { if !finished { unlink(temporary.path) } }
    let position = RangePosition(start: 0)
    _ = try await stream(
      catalogRequest(bucket, "ducklake", []), restart: { position.reset() },
      sink: { chunk in try writer.write(chunk, at: position.advance(by: chunk.count)) })
    guard rename(temporary.path, file.path) == 0 else {
      throw .local(
        "cannot rename into \(file.path): \(String(cString: strerror(errno)))",
        resource: file.path)
    }
    finished = true
  }

  /// The parameters of a query or manifest request, without `after`.
  static func queryParameters(_ query: LakeQuery, pageSize: Int) -> [(
    name: String, value: String
  )] {
    var parameters: [(name: String, value: String)] = [
      ("limit", String(Swift.max(1, Swift.min(pageSize, query.limit ?? pageSize))))
    ]
    if let dataset = query.dataset { parameters.append(("dataset", dataset)) }
    if let prefix = query.prefix { parameters.append(("prefix", prefix)) }
    if let filter = query.filter { parameters.append(("where", filter.description)) }
    if query.order != [.byKey] {
      parameters.append(("order", query.order.map(\.description).joined(separator: ", ")))
    }
    return parameters
  }

  /// A catalog API request (path style: `/_lake/v1/BUCKET/RESOURCE`).
  func catalogRequest(
    _ bucket: String, _ resource: String, _ query: [(name: String, value: String)]
  ) -> S3Request {
    var request = S3Request(
      "GET", bucket: S3Router.catalogPrefix, key: "v1/\(bucket)/\(resource)", query: query)
    request.pathStyle = true
    return request
  }

  /// One catalog API request, its JSON answer decoded.
  func catalog<Document: Decodable>(
    _ type: Document.Type, _ bucket: String, _ resource: String,
    _ query: [(name: String, value: String)] = []
  ) async throws(LakeClientError) -> Document {
    let response = try await send(catalogRequest(bucket, resource, query))
    do {
      return try JSONDecoder().decode(Document.self, from: response.body)
    } catch {
      throw .invalidResponse(
        "the catalog API answered no \(Document.self): \(error)", status: response.status,
        requestID: response.requestID)
    }
  }
}

/// The files a catalog query matches, as an `AsyncSequence` that pages lazily.
public struct LakeQueryResults: AsyncSequence, Sendable {
  public typealias Element = LakeFileDocument
  let client: LakeClient
  let bucket: String
  let query: LakeQuery
  let pageSize: Int
  let columns: Bool

  public func makeAsyncIterator() -> Iterator { Iterator(results: self) }

  public struct Iterator: AsyncIteratorProtocol {
    let results: LakeQueryResults
    var buffered: [LakeFileDocument] = []
    var after: String?
    var done = false

    init(results: LakeQueryResults) {
      self.results = results
      after = results.query.after
    }

    public mutating func next() async throws(LakeClientError) -> LakeFileDocument? {
      while buffered.isEmpty {
        if done { return nil }
        var parameters = LakeClient.queryParameters(results.query, pageSize: results.pageSize)
        if let after { parameters.append(("after", after)) }
        if results.columns { parameters.append(("columns", "true")) }
        let page = try await results.client.catalog(
          LakeQueryResultDocument.self, results.bucket, "query", parameters)
        buffered = page.files.reversed()
        after = page.next
        done = page.next == nil
      }
      return buffered.popLast()
    }
  }
}

/// A bucket's change feed as an `AsyncSequence`; see ``LakeClient/changes(bucket:after:follow:pageSize:)``.
public struct LakeChanges: AsyncSequence, Sendable {
  public typealias Element = LakeChangeDocument
  let client: LakeClient
  let bucket: String
  let after: Int64
  let follow: Bool
  let pageSize: Int

  public func makeAsyncIterator() -> Iterator { Iterator(changes: self) }

  public struct Iterator: AsyncIteratorProtocol {
    let changes: LakeChanges
    var buffered: [LakeChangeDocument] = []
    var after: Int64
    var done = false

    init(changes: LakeChanges) {
      self.changes = changes
      after = changes.after
    }

    public mutating func next() async throws(LakeClientError) -> LakeChangeDocument? {
      while buffered.isEmpty {
        if done { return nil }
        if Task.isCancelled { throw .cancelled }
        var parameters: [(name: String, value: String)] = [
          ("after", String(after)), ("limit", String(Swift.max(1, changes.pageSize))),
        ]
        if changes.follow { parameters.append(("wait", "20")) }
        let page = try await changes.client.catalog(
          LakeChangesDocument.self, changes.bucket, "changes", parameters)
        buffered = page.changes.reversed()
        after = page.next
        if !changes.follow && page.changes.count < changes.pageSize { done = true }
      }
      return buffered.popLast()
    }
  }
}
