import XCTest

@testable import LakeHTTP

/// The stall and minimum-rate rules as a pure value (issue 11 §5).
final class TransferProgressTests: XCTestCase {
  let t0 = ContinuousClock.now

  func testStallEndsTheTransfer() {
    var progress = TransferProgress(TransferLimits(stall: .seconds(5)), now: t0)
    XCTAssertEqual(progress.waitBudget(now: t0 + .seconds(1)), .seconds(4))
    XCTAssertTrue(progress.moved(1, now: t0 + .seconds(4)))
    XCTAssertEqual(progress.waitBudget(now: t0 + .seconds(8)), .seconds(1))
    XCTAssertNil(progress.waitBudget(now: t0 + .seconds(9)))
  }

  func testTrickleBelowTheRateEndsAtTheWindow() {
    let limits = TransferLimits(stall: .seconds(60), minimumRate: 1000, window: .seconds(10))
    XCTAssertEqual(limits.bytesPerWindow, 10_000)
    var progress = TransferProgress(limits, now: t0)
    // One byte a second never stalls, but carries 10 bytes a window.
    for second in 1...9 {
      XCTAssertTrue(progress.moved(1, now: t0 + .seconds(second)))
      XCTAssertEqual(progress.waitBudget(now: t0 + .seconds(second)), .seconds(10 - second))
    }
    XCTAssertFalse(progress.moved(1, now: t0 + .seconds(10)))
    XCTAssertNil(progress.waitBudget(now: t0 + .seconds(10)))
  }

  func testFastEnoughTransferGoesOnWindowAfterWindow() {
    let limits = TransferLimits(stall: .seconds(60), minimumRate: 1000, window: .seconds(10))
    var progress = TransferProgress(limits, now: t0)
    for second in 1...100 {
      XCTAssertTrue(progress.moved(1_000, now: t0 + .seconds(second)), "second \(second)")
    }
    // A burst then silence: the next window with too few bytes ends it.
    XCTAssertNotNil(progress.waitBudget(now: t0 + .seconds(105)))
    XCTAssertNil(progress.waitBudget(now: t0 + .seconds(111)))
  }

  func testRateCheckOffWithZero() {
    var progress = TransferProgress(
      TransferLimits(stall: .seconds(60), minimumRate: 0, window: .seconds(1)), now: t0)
    XCTAssertTrue(progress.moved(1, now: t0 + .seconds(50)))
    XCTAssertEqual(progress.waitBudget(now: t0 + .seconds(50)), .seconds(60))
  }

  func testHugeLimitsSaturate() {
    let limits = TransferLimits(stall: .seconds(1), minimumRate: .max, window: .seconds(1_000_000))
    XCTAssertEqual(limits.bytesPerWindow, .max)
  }
}
