import Foundation
import Synchronization
import XCTest

@testable import LakeCore

/// Concurrent writers into one directory share its fsync, and none returns before an fsync
/// that started after its own change.
final class DirectorySyncTests: XCTestCase {
  private var directory: Int32 = -1
  private var path = ""

  override func setUp() {
    path = NSTemporaryDirectory() + "/dirsync-\(UUID().uuidString)"
    mkdir(path, 0o700)
    directory = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    XCTAssertGreaterThanOrEqual(directory, 0)
  }

  override func tearDown() {
    close(directory)
    rmdir(path)
  }

  /// Runs `body` on `count` threads at once (GCD would run only as many as there are cores).
  static func onThreads(_ count: Int, _ body: @escaping @Sendable () -> Void) {
    let group = DispatchGroup()
    for _ in 0..<count {
      group.enter()
      Thread {
        body()
        group.leave()
      }.start()
    }
    group.wait()
  }

  func testEveryCallerIsCoveredByAnFsyncThatStartedAfterItsChangeAndFsyncsAreShared() {
    let sync = DirectorySync()
    let changes = Atomic<Int>(0)  // changes made so far
    let covered = Atomic<Int>(0)  // changes made before the latest fsync that finished started
    let rounds = Atomic<Int>(0)
    let misses = Atomic<Int>(0)
    let fd = directory
    Self.onThreads(16) {
      for _ in 0..<20 {
        let mine = changes.add(1, ordering: .sequentiallyConsistent).newValue
        do {
          try sync.sync(fd) { (_: Int32) throws(Errno) in
            let seen = changes.load(ordering: .sequentiallyConsistent)
            rounds.add(1, ordering: .relaxed)
            usleep(2_000)  // a slow disk
            covered.max(seen, ordering: .sequentiallyConsistent)
          }
        } catch {
          XCTFail("unexpected \(error)")
        }
        if covered.load(ordering: .sequentiallyConsistent) < mine {
          misses.add(1, ordering: .relaxed)
        }
      }
    }
    XCTAssertEqual(
      misses.load(ordering: .relaxed), 0, "a caller returned before its change was synced")
    // 320 changes; shared rounds need far fewer fsyncs.
    XCTAssertLessThan(rounds.load(ordering: .relaxed), 200)
  }

  func testAFailedFsyncFailsEveryCallerItCovered() {
    let sync = DirectorySync()
    let fd = directory
    let failures = Atomic<Int>(0)
    let successes = Atomic<Int>(0)
    let round = Atomic<Int>(0)
    Self.onThreads(8) {
      do {
        try sync.sync(fd) { (_: Int32) throws(Errno) in
          let n = round.add(1, ordering: .sequentiallyConsistent).newValue
          usleep(5_000)
          if n <= 2 { throw Errno(code: EIO) }
        }
        successes.add(1, ordering: .relaxed)
      } catch let error as Errno {
        XCTAssertEqual(error.code, EIO)
        failures.add(1, ordering: .relaxed)
      } catch {
        XCTFail("unexpected \(error)")
      }
    }
    XCTAssertEqual(failures.load(ordering: .relaxed) + successes.load(ordering: .relaxed), 8)
    XCTAssertGreaterThan(failures.load(ordering: .relaxed), 0)
    // A caller is only told of success by a round that succeeded.
    if round.load(ordering: .relaxed) <= 2 { XCTAssertEqual(successes.load(ordering: .relaxed), 0) }
    // Later callers are not affected by the failures of earlier rounds.
    XCTAssertNoThrow(try sync.sync(fd))
  }

  /// A writer that did other I/O after its change finds it already covered by a round that
  /// started after its ticket, and runs no fsync of its own (how a PUT's intent shares the
  /// WAL fsync of other writes while its temp file is fsynced).
  func testARoundStartedAfterTheTicketCoversIt() throws {
    let rounds = SyncRounds()
    let runs = Atomic<Int>(0)
    let count = { (_: Int32) throws(Errno) in _ = runs.add(1, ordering: .relaxed) }
    let mine = rounds.ticket()
    try rounds.sync(after: rounds.ticket(), directory, using: count)  // another writer's
    XCTAssertEqual(runs.load(ordering: .relaxed), 1)
    try rounds.sync(after: mine, directory, using: count)
    XCTAssertEqual(runs.load(ordering: .relaxed), 1, "covered by the other writer's round")
    try rounds.sync(after: rounds.ticket(), directory, using: count)
    XCTAssertEqual(runs.load(ordering: .relaxed), 2, "a change after that round needs a new one")
  }
}
