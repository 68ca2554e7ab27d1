import XCTest

@testable import LakeCore

final class ConditionalWriteTests: XCTestCase {
  func testIfNoneMatchAny() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    XCTAssertNoThrow(try put(store, "bkt", "k", Array("first".utf8), condition: .ifNoneMatchAny))
    XCTAssertThrowsError(
      try put(store, "bkt", "k", Array("second".utf8), condition: .ifNoneMatchAny)
    ) {
      XCTAssertEqual($0 as? LakeError, .preconditionFailed)
    }
    XCTAssertEqual(try get(store, "bkt", "k").1, Array("first".utf8))
  }

  func testIfMatch() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    XCTAssertThrowsError(try put(store, "bkt", "k", Array("x".utf8), condition: .ifMatch("*"))) {
      XCTAssertEqual($0 as? LakeError, .preconditionFailed, "If-Match on a missing key fails")
    }
    let first = try put(store, "bkt", "k", "first")
    XCTAssertThrowsError(try put(store, "bkt", "k", Array("x".utf8), condition: .ifMatch("0123"))) {
      XCTAssertEqual($0 as? LakeError, .preconditionFailed)
    }
    let second = try put(
      store, "bkt", "k", Array("second".utf8), condition: .ifMatch("\"\(first.etag.uppercased())\"")
    )
    XCTAssertEqual(try get(store, "bkt", "k").1, Array("second".utf8))
    XCTAssertNoThrow(
      try put(store, "bkt", "k", Array("third".utf8), condition: .ifMatch(second.etag)))
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: directory.url(".lakestore/tmp")), [])
    let intents = try store.catalog.intents()
    XCTAssertEqual(intents, [], "failed conditions leave no intents")
  }

  func testRacingCreatesHaveExactlyOneWinner() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    for round in 0..<5 {
      let key = "lock-\(round)"
      let outcomes = Locked<[Int: Result<String, LakeError>]>([:])
      onThreads(8) { index in
        let result: Result<String, LakeError>
        do {
          let info = try put(
            store, "bkt", key, Array("writer \(index)".utf8), condition: .ifNoneMatchAny)
          result = .success(info.etag)
        } catch {
          result = .failure(error as? LakeError ?? .catalog("\(error)"))
        }
        outcomes.withLock { $0[index] = result }
      }
      let all = outcomes.withLock { $0 }
      let winners = all.filter { if case .success = $0.value { return true } else { return false } }
      XCTAssertEqual(winners.count, 1, "round \(round): \(all)")
      for (_, outcome) in all {
        if case .failure(let error) = outcome { XCTAssertEqual(error, .preconditionFailed) }
      }
      let winner = try XCTUnwrap(winners.first)
      XCTAssertEqual(try get(store, "bkt", key).1, Array("writer \(winner.key)".utf8))
    }
  }
}
