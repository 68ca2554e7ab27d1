import Foundation
import LakeS3

/// One object of a listing.
public struct ObjectSummary: Sendable, Equatable {
  public var key: String
  public var size: Int64
  /// The entity tag, without quotes.
  public var etag: String
  public var lastModified: Date
  public var storageClass: String
}

/// One page of a listing: objects and, with a delimiter, the common prefixes (the
/// "directories", such as Hive partitions `year=2024/`) rolled up on that page.
public struct ListPage: Sendable, Equatable {
  public var objects: [ObjectSummary]
  public var commonPrefixes: [String]
}

/// The pages of a ListObjectsV2 listing, fetched one at a time as the loop asks for them.
public struct ListPages: AsyncSequence, Sendable {
  public typealias Element = ListPage
  let client: LakeClient
  let bucket: String
  let prefix: String
  let delimiter: String?
  let startAfter: String?
  let pageSize: Int

  public func makeAsyncIterator() -> Iterator { Iterator(pages: self) }

  public struct Iterator: AsyncIteratorProtocol {
    let pages: ListPages
    var token: String?
    var done = false

    init(pages: ListPages) { self.pages = pages }

    public mutating func next() async throws(LakeClientError) -> ListPage? {
      if done { return nil }
      var query: [(name: String, value: String)] = [
        ("list-type", "2"), ("encoding-type", "url"), ("max-keys", String(pages.pageSize)),
      ]
      if !pages.prefix.isEmpty { query.append(("prefix", pages.prefix)) }
      if let delimiter = pages.delimiter { query.append(("delimiter", delimiter)) }
      if let token {
        query.append(("continuation-token", token))
      } else if let startAfter = pages.startAfter {
        query.append(("start-after", startAfter))
      }
      let response = try await pages.client.send(
        S3Request("GET", bucket: pages.bucket, query: query))
      let result: ListBucketResult
      do {
        result = try ListBucketResult(bytes: Array(response.body))
      } catch {
        throw .invalidResponse("ListObjectsV2 answered no ListBucketResult: \(error)")
      }
      if result.isTruncated, let next = result.nextContinuationToken, next != token {
        token = next
      } else {
        done = true
      }
      return ListPage(
        objects: result.contents.map {
          ObjectSummary(
            key: $0.key, size: $0.size, etag: $0.etag, lastModified: $0.lastModified,
            storageClass: $0.storageClass)
        }, commonPrefixes: result.commonPrefixes)
    }
  }
}

/// Entries of a listing's pages (its objects, or its common prefixes), page after page, as one
/// sequence.
public struct ListingEntries<Entry: Sendable>: AsyncSequence, Sendable {
  public typealias Element = Entry
  let pages: ListPages
  /// The entries this sequence takes from a page.
  let entries: @Sendable (ListPage) -> [Entry]

  public func makeAsyncIterator() -> Iterator {
    Iterator(pages: pages.makeAsyncIterator(), entries: entries)
  }

  public struct Iterator: AsyncIteratorProtocol {
    var pages: ListPages.Iterator
    let entries: @Sendable (ListPage) -> [Entry]
    var buffer: [Entry] = []
    var index = 0

    public mutating func next() async throws(LakeClientError) -> Entry? {
      while index == buffer.count {
        guard let page = try await pages.next() else { return nil }
        buffer = entries(page)
        index = 0
      }
      defer { index += 1 }
      return buffer[index]
    }
  }
}

/// The objects of a listing, page after page, as one sequence.
public typealias ObjectListing = ListingEntries<ObjectSummary>

/// The common prefixes of a delimited listing (partitions, "directories"), as one sequence.
public typealias PrefixListing = ListingEntries<String>

extension LakeClient {
  /// The listing's pages (ListObjectsV2, up to `pageSize` entries each), fetched lazily.
  public func listPages(
    bucket: String, prefix: String = "", delimiter: String? = nil, startAfter: String? = nil,
    pageSize: Int = 1000
  ) -> ListPages {
    ListPages(
      client: self, bucket: bucket, prefix: prefix, delimiter: delimiter, startAfter: startAfter,
      pageSize: min(max(1, pageSize), 1000))
  }

  /// Every object under `prefix` in key order, fetched a page at a time. With a delimiter,
  /// objects below the next delimiter are left out (they are under ``commonPrefixes``).
  ///
  /// ```swift
  /// for try await object in lake.list(bucket: "raw", prefix: "sales/year=2024/") { ... }
  /// ```
  public func list(
    bucket: String, prefix: String = "", delimiter: String? = nil, startAfter: String? = nil
  ) -> ObjectListing {
    ObjectListing(
      pages: listPages(
        bucket: bucket, prefix: prefix, delimiter: delimiter, startAfter: startAfter),
      entries: \.objects)
  }

  /// The prefixes one level below `prefix` (up to the next `delimiter`): the partitions of a
  /// dataset, such as `sales/year=2023/` and `sales/year=2024/` under `sales/`.
  public func commonPrefixes(bucket: String, prefix: String = "", delimiter: String = "/")
    -> PrefixListing
  {
    PrefixListing(
      pages: listPages(bucket: bucket, prefix: prefix, delimiter: delimiter),
      entries: \.commonPrefixes)
  }
}
