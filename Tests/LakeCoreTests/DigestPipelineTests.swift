import Crypto
import Foundation
import XCTest

@testable import LakeCore

final class DigestPipelineTests: XCTestCase {
  /// An extra digest as the server adds one (the payload SHA-256 of a signed upload).
  private final class SHA: ObjectDigest, @unchecked Sendable {
    var hasher = SHA256()
    func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
  }

  private static let pattern: [UInt8] = (0..<(1 << 20)).map {
    UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 9)
  }

  /// Chunks of odd sizes cut from the pattern, about `total` bytes together.
  private func chunks(total: Int) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var made = 0
    var index = 0
    while made < total {
      let size = [70_001, 1, 1 << 20, 333_333, 4096][index % 5]
      let start = (index * 7919) % (Self.pattern.count - size + 1)
      result.append(Array(Self.pattern[start..<(start + size)]))
      made += size
      index += 1
    }
    return result
  }

  func testLargeObjectsAreHashedCompletelyAndInOrder() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    let extra = SHA()
    let writer = try store.makeWriter(bucket: "bkt", key: "big", digests: [extra])
    var expectedSHA = SHA256()
    var expectedMD5 = Insecure.MD5()
    var all: [UInt8] = []
    for chunk in chunks(total: 12 << 20) {
      try writer.write(chunk)
      expectedSHA.update(data: chunk)
      expectedMD5.update(data: chunk)
      all += chunk
    }
    writer.finishDigests()
    XCTAssertEqual(Array(extra.hasher.finalize()), Array(expectedSHA.finalize()))
    let info = try store.commit(writer, metadata: ObjectMetadata())
    XCTAssertEqual(info.etag, expectedMD5.finalize().map { String(format: "%02x", $0) }.joined())
    XCTAssertEqual(info.size, Int64(all.count))
    XCTAssertEqual(try get(store, "bkt", "big").1, all)
  }

  func testSmallObjectsAndExactMultiplesOfTheStagingBuffer() throws {
    let (store, _) = try makeStore()
    _ = try store.createBucket("bkt")
    for size in [0, 1, 4 << 20, (4 << 20) + 1, 6 << 20] {
      let bytes = (0..<size).map { Self.pattern[$0 % Self.pattern.count] }
      let info = try put(store, "bkt", "k\(size)", bytes)
      XCTAssertEqual(info.etag, md5Hex(bytes), "size \(size)")
    }
  }

  func testAnAbortedLargeUploadLeavesNothingBehind() throws {
    let (store, directory) = try makeStore()
    _ = try store.createBucket("bkt")
    let writer = try store.makeWriter(bucket: "bkt", key: "gone", digests: [SHA()])
    for chunk in chunks(total: 9 << 20) { try writer.write(chunk) }
    writer.abort()
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: directory.url(".lakestore/tmp")), [])
    XCTAssertThrowsError(try store.objectInfo(bucket: "bkt", key: "gone"))
  }
}
