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

  /// One catalog API request, its JSON answer decoded.
  func catalog<Document: Decodable>(
    _ type: Document.Type, _ bucket: String, _ resource: String,
    _ query: [(name: String, value: String)] = []
  ) async throws(LakeClientError) -> Document {
    var request = S3Request(
      "GET", bucket: S3Router.catalogPrefix, key: "v1/\(bucket)/\(resource)", query: query)
    request.pathStyle = true
    let response = try await send(request)
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
        let query = results.query
        var parameters: [(name: String, value: String)] = [
          (
            "limit",
            String(Swift.max(1, Swift.min(results.pageSize, query.limit ?? results.pageSize)))
          )
        ]
        if let dataset = query.dataset { parameters.append(("dataset", dataset)) }
        if let prefix = query.prefix { parameters.append(("prefix", prefix)) }
        if let filter = query.filter { parameters.append(("where", filter.description)) }
        if query.order != [.byKey] {
          parameters.append(("order", query.order.map(\.description).joined(separator: ", ")))
        }
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
