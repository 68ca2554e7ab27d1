import XCTest

@testable import LakeCore

final class ListingTests: XCTestCase {
  private static let keys = [
    "a", "b", "é", "😀", "z~", "a/1", "a/2", "a/b/c", "ab", "a-", "a/\u{7F}", "\u{7F}x", "¿",
    "¿/x", "¿0", "photos/2024/jan.jpg", "photos/2024/feb.jpg", "photos/2025/a.jpg",
    "photos/x.jpg", "e\u{301}", "日本/東京", "日本/大阪", "a\u{0}b", "x/", "x//y", "/lead",
  ]

  private func byteOrder(_ a: String, _ b: String) -> Bool {
    Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
  }

  /// The listing S3 defines, computed by brute force over all keys.
  private func reference(
    prefix: String, delimiter: String?, after: String?, maxKeys: Int
  ) -> (names: [String], truncated: Bool) {
    var names: [String] = []
    for key in Self.keys.sorted(by: byteOrder) where key.utf8.starts(with: prefix.utf8) {
      var name = key
      if let delimiter, !delimiter.isEmpty {
        let rest = Array(key.utf8.dropFirst(prefix.utf8.count))
        let d = Array(delimiter.utf8)
        if let index = (0...max(0, rest.count - d.count)).first(where: {
          rest.count >= d.count && Array(rest[$0..<$0 + d.count]) == d
        }) {
          name = String(decoding: Array(prefix.utf8) + rest[..<(index + d.count)], as: UTF8.self)
        }
      }
      if names.last != name { names.append(name) }
    }
    if let after { names = names.filter { byteOrder(after, $0) } }
    return (Array(names.prefix(max(0, maxKeys))), names.count > max(0, maxKeys))
  }

  private func storeWithKeys() throws -> LakeStore {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    for key in Self.keys { try put(store, "bkt", key, Array(key.utf8)) }
    return store
  }

  func testOrderIsUTF8ByteOrder() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    for key in ["😀", "z~", "é", "b", "a"] { try put(store, "bkt", key, "x") }
    let page = try store.listObjects(
      bucket: "bkt", prefix: "", delimiter: nil, after: nil, maxKeys: 100)
    XCTAssertEqual(page.entries.map(\.name), ["a", "b", "z~", "é", "😀"])
    XCTAssertFalse(page.isTruncated)
    guard case .object(let info) = page.entries[3] else { return XCTFail() }
    XCTAssertEqual(info.etag, md5Hex(Array("x".utf8)))
    XCTAssertEqual(info.bucket, "bkt")
  }

  func testPrefixAndDelimiter() throws {
    let store = try storeWithKeys()
    let page = try store.listObjects(
      bucket: "bkt", prefix: "photos/", delimiter: "/", after: nil, maxKeys: 100)
    XCTAssertEqual(
      Array(page.entries.prefix(2)), [.commonPrefix("photos/2024/"), .commonPrefix("photos/2025/")])
    if case .object(let info) = page.entries.last {
      XCTAssertEqual(info.key, "photos/x.jpg")
    } else {
      XCTFail("photos/x.jpg is an object entry")
    }
    XCTAssertEqual(page.entries.map(\.name), ["photos/2024/", "photos/2025/", "photos/x.jpg"])
    let top = try store.listObjects(
      bucket: "bkt", prefix: "", delimiter: "/", after: nil, maxKeys: 100)
    XCTAssertEqual(
      top.entries.map(\.name),
      [
        "/", "\u{7F}x", "a", "a-", "a/", "a\u{0}b", "ab", "b", "e\u{301}", "photos/", "x/", "z~",
        "¿", "¿/", "¿0", "é", "日本/", "😀",
      ]
      .sorted(by: byteOrder))
  }

  func testMatchesReferenceForAllPageSizesAndParameters() throws {
    let store = try storeWithKeys()
    let prefixes = ["", "a", "a/", "photos/", "photos/2024", "日本", "¿", "\u{7F}", "zz", "x/"]
    let delimiters: [String?] = [nil, "/", "20", "é", "/x"]
    for prefix in prefixes {
      for delimiter in delimiters {
        let full = reference(prefix: prefix, delimiter: delimiter, after: nil, maxKeys: 1000).names
        for pageSize in [1, 2, 3, 1000] {
          let paged = try listAll(
            store, "bkt", prefix: prefix, delimiter: delimiter, pageSize: pageSize)
          XCTAssertEqual(
            paged.map(\.name), full,
            "prefix \(prefix) delimiter \(delimiter ?? "nil") page \(pageSize)")
        }
        // Every possible `after`, including ones inside common prefixes and absent keys.
        for after in Self.keys + ["photos/2024/", "a/", "", "zzz", "photos/2024/a"] {
          for maxKeys in [0, 1, 2, 5] {
            let expected = reference(
              prefix: prefix, delimiter: delimiter, after: after, maxKeys: maxKeys)
            let page = try store.listObjects(
              bucket: "bkt", prefix: prefix, delimiter: delimiter, after: after, maxKeys: maxKeys)
            XCTAssertEqual(
              page.entries.map(\.name), expected.names,
              "p=\(prefix) d=\(delimiter ?? "nil") after=\(after) max=\(maxKeys)")
            XCTAssertEqual(
              page.isTruncated, expected.truncated,
              "p=\(prefix) d=\(delimiter ?? "nil") after=\(after) max=\(maxKeys)")
          }
        }
      }
    }
  }

  func testMaxKeysZero() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    var page = try store.listObjects(
      bucket: "bkt", prefix: "", delimiter: nil, after: nil, maxKeys: 0)
    XCTAssertEqual(page.entries, [])
    XCTAssertFalse(page.isTruncated)
    try put(store, "bkt", "k", "v")
    page = try store.listObjects(bucket: "bkt", prefix: "", delimiter: nil, after: nil, maxKeys: 0)
    XCTAssertEqual(page.entries, [])
    XCTAssertTrue(page.isTruncated)
  }

  func testObjectsOfOtherBucketsNeverLeak() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("aaa")
    _ = try store.createBucket("aab")
    try put(store, "aaa", "k1", "1")
    try put(store, "aab", "k2", "2")
    XCTAssertEqual(try listAll(store, "aaa").map(\.name), ["k1"])
    XCTAssertEqual(try listAll(store, "aab").map(\.name), ["k2"])
  }

  func testSuccessorOfBytes() {
    XCTAssertEqual(ListingScan.successor(of: Array("a/".utf8)), Array("a0".utf8))
    XCTAssertEqual(ListingScan.successor(of: [0x61, 0xFF]), [0x62])
    XCTAssertNil(ListingScan.successor(of: [0xFF, 0xFF]))
    XCTAssertNil(ListingScan.successor(of: []))
  }
}
