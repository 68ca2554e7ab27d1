import Foundation
import XCTest

@testable import LakeCore

/// The change feed: every committed put and delete of a bucket after a sequence number, in
/// order, and a long poll that returns as soon as one commits.
final class ChangeFeedTests: XCTestCase {
  func test_changes_after_a_sequence_number_are_the_buckets_own_in_order() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("xxx")
    _ = try store.createBucket("yyy")
    let a = try put(store, "xxx", "a.csv", "1")
    try put(store, "yyy", "other", "2")
    try put(store, "xxx", "b.csv", "22")
    try store.deleteObject(bucket: "xxx", key: "a.csv")
    let all = try store.changes(bucket: "xxx", after: 0, limit: 100)
    XCTAssertEqual(all.map(\.key), ["a.csv", "b.csv", "a.csv"])
    XCTAssertEqual(all.map(\.operation), [.put, .put, .delete])
    XCTAssertEqual(all.map(\.sequence), [1, 3, 4])
    XCTAssertEqual(all.first?.etag, a.etag)
    XCTAssertEqual(all.first?.size, 1)
    XCTAssertNil(all.last?.size)
    XCTAssertEqual(try store.changes(bucket: "xxx", after: 1, limit: 1).map(\.sequence), [3])
    XCTAssertEqual(try store.changes(bucket: "xxx", after: 4, limit: 10), [])
    XCTAssertThrowsError(try store.changes(bucket: "missing", after: 0, limit: 10))
  }

  func test_a_long_poll_returns_when_a_change_commits_and_times_out_otherwise() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("xxx")
    let started = Date()
    XCTAssertEqual(try store.changes(bucket: "xxx", after: 0, limit: 10, wait: 0.3), [])
    XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.29)

    let writer = Thread {
      Thread.sleep(forTimeInterval: 0.3)
      _ = try? put(store, "xxx", "late.csv", "1")
    }
    writer.start()
    let polled = Date()
    let page = try store.changes(bucket: "xxx", after: 0, limit: 10, wait: 20)
    XCTAssertEqual(page.map(\.key), ["late.csv"])
    XCTAssertLessThan(Date().timeIntervalSince(polled), 10)
  }
}
