import XCTest

@testable import LakeS3

final class ChecksumTests: XCTestCase {
  // MARK: - known values

  /// The catalogue check values (the CRC of "123456789") and the SHA test vectors for "abc".
  func testCheckValues() {
    let check = Array("123456789".utf8)
    for portable in [false, true] {
      XCTAssertEqual(digest(.crc32, check, portable: portable), [0xCB, 0xF4, 0x39, 0x26])
      XCTAssertEqual(digest(.crc32c, check, portable: portable), [0xE3, 0x06, 0x92, 0x83])
      XCTAssertEqual(
        digest(.crc64nvme, check, portable: portable),
        [0xAE, 0x8B, 0x14, 0x86, 0x0A, 0x79, 0x98, 0x88])
    }
    XCTAssertEqual(
      Hex.encode(digest(.sha1, Array("abc".utf8))), "a9993e364706816aba3e25717850c26c9cd0d89d")
    XCTAssertEqual(
      Hex.encode(digest(.sha256, Array("abc".utf8))),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    for algorithm in ChecksumAlgorithm.allCases where algorithm.isCRC {
      XCTAssertEqual(digest(algorithm, []), [UInt8](repeating: 0, count: algorithm.digestByteCount))
    }
  }

  /// Base64 values from Python: zlib.crc32, hashlib.sha1 and hashlib.sha256, big-endian.
  func testValuesFromPython() {
    let vectors: [(input: [UInt8], crc32: String, sha1: String, sha256: String)] = [
      (
        [], "AAAAAA==", "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
      ),
      (
        Array("a".utf8), "6Le+Qw==", "hvfkN/qlp/zhXR3cuerq6jd2Z7g=",
        "ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs="
      ),
      (
        Array("Hello, world!".utf8), "6+bG5g==", "lDpwLQbzRZmu4fjajvn3KWAx1pk=",
        "MV9b23bQeMQ7isAGTkoBZGErH853yGk0W/yUx1iU7dM="
      ),
      (
        Array("The quick brown fox jumps over the lazy dog".utf8), "QU+jOQ==",
        "L9ThxnotKPzthJ7hu3bnORuT6xI=", "16j7swfXgJRpypq8sAguT41WUeRtPNt2LQLQvzfJ5ZI="
      ),
      (
        Array(Array(0...255).map(UInt8.init).repeated(3)), "sMDfKg==",
        "rComTI7B9CMqQIVOgjm8Oml6sdI=", "86JaqTqi+7oo15JgU1u9al6w/BwkqLDwThK0hMHf42M="
      ),
    ]
    for vector in vectors {
      XCTAssertEqual(Checksum.base64(digest(.crc32, vector.input)), vector.crc32)
      XCTAssertEqual(Checksum.base64(digest(.crc32, vector.input, portable: true)), vector.crc32)
      XCTAssertEqual(Checksum.base64(digest(.sha1, vector.input)), vector.sha1)
      XCTAssertEqual(Checksum.base64(digest(.sha256, vector.input)), vector.sha256)
    }
  }

  /// Every CRC path against a bit-at-a-time implementation written from the definitions.
  func testCRCsMatchBitwiseReference() {
    var random = SplitMix64(seed: 1)
    let lengths = Array(0...300) + [1021, 4096, 65_537]
    for length in lengths {
      let bytes = random.bytes(length)
      for (algorithm, width, poly) in Self.crcModels {
        let expected = Self.bitwiseCRC(bytes, width: width, poly: poly)
        XCTAssertEqual(digest(algorithm, bytes), expected, "\(algorithm) length \(length)")
        XCTAssertEqual(
          digest(algorithm, bytes, portable: true), expected, "\(algorithm) portable \(length)")
      }
    }
  }

  // MARK: - fast vs portable

  /// The hardware paths against the portable ones on random data of many lengths and
  /// alignments, starting from a non-zero CRC, through every loop of the fast code (the
  /// 64-byte folds, the 16-byte tail folds, CRC32C's 3 x 256 and 3 x 8192 byte streams).
  func testFastPathsMatchPortable() {
    var random = SplitMix64(seed: 2)
    let storage = random.bytes(3 * 8192 * 2 + 4096)
    let large = [767, 768, 769, 3 * 8192 - 1, 3 * 8192, 3 * 8192 + 775, 2 * 3 * 8192 + 13]
    storage.withUnsafeBytes { all in
      for algorithm in ChecksumAlgorithm.allCases where algorithm.isCRC {
        for offset in 0..<8 {
          for length in Array(0...300) + large {
            let bytes = UnsafeRawBufferPointer(rebasing: all[offset..<offset + length])
            var fast = Checksum(algorithm)
            var portable = Checksum(algorithm, portable: true)
            let prefix = UnsafeRawBufferPointer(rebasing: all[4000..<4007])
            fast.update(prefix)
            portable.update(prefix)
            fast.update(bytes)
            portable.update(bytes)
            XCTAssertEqual(
              fast.finalize(), portable.finalize(), "\(algorithm) @\(offset) length \(length)")
          }
        }
      }
    }
  }

  /// A big buffer in one call, as the fast paths see most of a body.
  func testFastPathsMatchPortableOnLargeBuffers() {
    var random = SplitMix64(seed: 3)
    let bytes = random.bytes((1 << 20) + 4099)
    for algorithm in ChecksumAlgorithm.allCases where algorithm.isCRC {
      XCTAssertEqual(digest(algorithm, bytes), digest(algorithm, bytes, portable: true))
      XCTAssertEqual(
        digest(algorithm, Array(bytes.dropFirst(3))),
        digest(algorithm, Array(bytes.dropFirst(3)), portable: true))
    }
  }

  // MARK: - streaming

  func testIncrementalUpdatesMatchOneShot() {
    var random = SplitMix64(seed: 4)
    let bytes = random.bytes(100_003)
    for algorithm in ChecksumAlgorithm.allCases {
      let whole = digest(algorithm, bytes)
      for round in 0..<5 {
        var checksum = Checksum(algorithm)
        var start = 0
        while start < bytes.count {
          // Odd sizes, empty updates included; a few long ones past the fast paths' blocks.
          let size = round == 0 ? 1 : Int(random.next() % (round.isMultiple(of: 2) ? 97 : 30_011))
          let end = min(start + size, bytes.count)
          bytes[start..<end].withUnsafeBytes { checksum.update($0) }
          start = end
        }
        XCTAssertEqual(checksum.finalize(), whole, "\(algorithm) round \(round)")
      }
    }
  }

  /// finalize() leaves the state usable, and copies are independent.
  func testFinalizeDoesNotConsumeAndCopiesAreIndependent() {
    for algorithm in ChecksumAlgorithm.allCases {
      var checksum = Checksum(algorithm)
      Array("1234".utf8).withUnsafeBytes { checksum.update($0) }
      let prefix = checksum
      XCTAssertEqual(checksum.finalize(), digest(algorithm, Array("1234".utf8)))
      Array("56789".utf8).withUnsafeBytes { checksum.update($0) }
      XCTAssertEqual(checksum.finalize(), digest(algorithm, Array("123456789".utf8)))
      XCTAssertEqual(prefix.finalize(), digest(algorithm, Array("1234".utf8)))
      XCTAssertEqual(checksum.finalize().count, algorithm.digestByteCount)
    }
  }

  // MARK: - multipart

  func testCombineCRCEqualsCRCOfConcatenation() throws {
    var random = SplitMix64(seed: 5)
    let splits = [(0, 0), (0, 17), (17, 0), (1, 1), (5, 300), (4096, 3), (70_000, 123_457)]
    for algorithm in ChecksumAlgorithm.allCases where algorithm.isCRC {
      for (firstLength, secondLength) in splits {
        let first = random.bytes(firstLength)
        let second = random.bytes(secondLength)
        let combined = try XCTUnwrap(
          Checksum.combineCRC(
            digest(algorithm, first), digest(algorithm, second),
            secondLength: Int64(secondLength), algorithm: algorithm))
        XCTAssertEqual(combined, digest(algorithm, first + second), "\(algorithm)")
      }
      // Folding several parts in order, as a FULL_OBJECT checksum is built.
      let parts = (0..<5).map { random.bytes(1000 * $0 + 7) }
      var whole = digest(algorithm, [])
      for part in parts {
        whole = try XCTUnwrap(
          Checksum.combineCRC(
            whole, digest(algorithm, part), secondLength: Int64(part.count), algorithm: algorithm))
      }
      XCTAssertEqual(whole, digest(algorithm, parts.flatMap { $0 }))
    }
  }

  /// Lengths too large to hash here: runs of zeros doubled by combining (checked against
  /// direct hashing while small), then two groupings of the same three ranges must agree.
  func testCombineCRCOverLargeLengths() throws {
    var random = SplitMix64(seed: 6)
    let head = random.bytes(100)
    for algorithm in ChecksumAlgorithm.allCases where algorithm.isCRC {
      var zeros = digest(algorithm, [UInt8](repeating: 0, count: 1 << 16))
      var length: Int64 = 1 << 16
      while length < 1 << 33 {
        zeros = try XCTUnwrap(
          Checksum.combineCRC(zeros, zeros, secondLength: length, algorithm: algorithm))
        length *= 2
        if length == 1 << 20 {
          XCTAssertEqual(zeros, digest(algorithm, [UInt8](repeating: 0, count: 1 << 20)))
        }
      }
      let tail = random.bytes(12_345)
      let headCRC = digest(algorithm, head)
      let tailCRC = digest(algorithm, tail)
      let left = try XCTUnwrap(
        Checksum.combineCRC(
          XCTUnwrap(
            Checksum.combineCRC(headCRC, zeros, secondLength: length, algorithm: algorithm)),
          tailCRC, secondLength: Int64(tail.count), algorithm: algorithm))
      let right = try XCTUnwrap(
        Checksum.combineCRC(
          headCRC,
          XCTUnwrap(
            Checksum.combineCRC(
              zeros, tailCRC, secondLength: Int64(tail.count), algorithm: algorithm)),
          secondLength: length + Int64(tail.count), algorithm: algorithm))
      XCTAssertEqual(left, right, "\(algorithm)")
      XCTAssertNotEqual(left, digest(algorithm, head + tail))
    }
  }

  func testCombineCRCRejectsSHAAndBadInput() {
    XCTAssertNil(
      Checksum.combineCRC(
        digest(.sha256, []), digest(.sha256, []), secondLength: 0, algorithm: .sha256))
    XCTAssertNil(
      Checksum.combineCRC(digest(.sha1, []), digest(.sha1, []), secondLength: 0, algorithm: .sha1))
    XCTAssertNil(Checksum.combineCRC([0, 0, 0], [0, 0, 0, 0], secondLength: 0, algorithm: .crc32))
    XCTAssertNil(
      Checksum.combineCRC([0, 0, 0, 0], [0, 0, 0, 0], secondLength: 0, algorithm: .crc64nvme))
    XCTAssertNil(
      Checksum.combineCRC([0, 0, 0, 0], [0, 0, 0, 0], secondLength: -1, algorithm: .crc32))
  }

  /// Composite values cross-checked with Python (zlib.crc32, hashlib.sha256).
  func testComposite() {
    let parts = ["hello ", "multipart ", "world"].map { Array($0.utf8) }
    XCTAssertEqual(
      Checksum.compositeValue(of: parts.map { digest(.crc32, $0) }, algorithm: .crc32),
      "J7mL2w==-3")
    XCTAssertEqual(
      Checksum.compositeValue(of: parts.map { digest(.sha256, $0) }, algorithm: .sha256),
      "UYV0bcwuzEmGPOgFo9nkcueJF+Ch/ne/cVDrBOSh85s=-3")
    for algorithm in ChecksumAlgorithm.allCases {
      let digests = parts.map { digest(algorithm, $0) }
      XCTAssertEqual(
        Checksum.composite(of: digests, algorithm: algorithm),
        digest(algorithm, digests.flatMap { $0 }))
    }
    XCTAssertEqual(Checksum.base64(digest(.crc32, parts.flatMap { $0 })), "KeSq5w==")
  }

  // MARK: - base64

  func testBase64RoundTripsAndRejectsBadValues() {
    for algorithm in ChecksumAlgorithm.allCases {
      let value = digest(algorithm, Array("123456789".utf8))
      let text = Checksum.base64(value)
      XCTAssertEqual(Checksum.decodeBase64(text, for: algorithm), value, "\(algorithm)")
    }
    XCTAssertEqual(Checksum.decodeBase64("y/Q5Jg==", for: .crc32), [0xCB, 0xF4, 0x39, 0x26])
    let rejected: [(String, ChecksumAlgorithm)] = [
      ("", .crc32),
      ("y/Q5Jg==", .crc64nvme),  // right base64, wrong length for the algorithm
      ("y/Q5", .crc32),  // three bytes
      ("y/Q5JgA=", .crc32),  // five bytes
      ("y/Q5Jg", .crc32),  // unpadded
      ("y/Q5Jg=", .crc32),
      ("y/Q5Jh==", .crc32),  // stray bits in the last character
      ("y_Q5Jg==", .crc32),  // URL alphabet
      (" y/Q5Jg==", .crc32),
      ("y/Q5Jg==\n", .crc32),
      ("y/Q5\nJg==", .crc32),
      ("y/Q5Jg==y/Q5Jg==", .crc32),
      ("not base64!", .sha256),
      ("====", .crc32),
    ]
    for (text, algorithm) in rejected {
      XCTAssertNil(Checksum.decodeBase64(text, for: algorithm), "\(text.debugDescription)")
    }
  }

  // MARK: - algorithm and type

  func testAlgorithmNamesAndProperties() {
    XCTAssertEqual(ChecksumAlgorithm(name: "crc32c"), .crc32c)
    XCTAssertEqual(ChecksumAlgorithm(name: "CRC64NVME"), .crc64nvme)
    XCTAssertEqual(ChecksumAlgorithm(name: "Sha256"), .sha256)
    XCTAssertEqual(ChecksumAlgorithm(name: "sha1"), .sha1)
    XCTAssertEqual(ChecksumAlgorithm(name: "CRC32"), .crc32)
    for name in ["", "MD5", "crc-32", "CRC32 ", "SHA512", "crc64"] {
      XCTAssertNil(ChecksumAlgorithm(name: name), name)
    }
    let table: [(ChecksumAlgorithm, String, String, Int, Bool, ChecksumType, Bool)] = [
      (.crc32, "x-amz-checksum-crc32", "ChecksumCRC32", 4, true, .composite, true),
      (.crc32c, "x-amz-checksum-crc32c", "ChecksumCRC32C", 4, true, .composite, true),
      (.crc64nvme, "x-amz-checksum-crc64nvme", "ChecksumCRC64NVME", 8, true, .fullObject, false),
      (.sha1, "x-amz-checksum-sha1", "ChecksumSHA1", 20, false, .composite, true),
      (.sha256, "x-amz-checksum-sha256", "ChecksumSHA256", 32, false, .composite, true),
    ]
    for (algorithm, header, element, count, isCRC, defaultType, composite) in table {
      XCTAssertEqual(algorithm.headerName, header)
      XCTAssertEqual(algorithm.xmlElementName, element)
      XCTAssertEqual(algorithm.digestByteCount, count)
      XCTAssertEqual(algorithm.isCRC, isCRC)
      XCTAssertEqual(algorithm.supportsFullObject, isCRC)
      XCTAssertEqual(algorithm.supportsComposite, composite)
      XCTAssertEqual(algorithm.defaultChecksumType, defaultType)
      XCTAssertTrue(algorithm.supports(defaultType))
      XCTAssertEqual(algorithm.supports(.fullObject), isCRC)
      XCTAssertEqual(algorithm.supports(.composite), composite)
      XCTAssertEqual(ChecksumAlgorithm(name: algorithm.rawValue.lowercased()), algorithm)
    }
    XCTAssertEqual(ChecksumType(name: "full_object"), .fullObject)
    XCTAssertEqual(ChecksumType(name: "COMPOSITE"), .composite)
    XCTAssertNil(ChecksumType(name: "FULL-OBJECT"))
  }

  // MARK: - helpers

  private static let crcModels: [(ChecksumAlgorithm, Int, UInt64)] = [
    (.crc32, 32, 0xEDB8_8320),
    (.crc32c, 32, 0x82F6_3B78),
    (.crc64nvme, 64, 0x9A6C_9329_AC4B_C9B5),
  ]

  /// A reflected CRC one bit at a time, init and xorout all ones, as big-endian bytes.
  private static func bitwiseCRC(_ bytes: [UInt8], width: Int, poly: UInt64) -> [UInt8] {
    let mask: UInt64 = width == 64 ? .max : (1 << width) - 1
    var crc = mask
    for byte in bytes {
      crc ^= UInt64(byte)
      for _ in 0..<8 {
        crc = crc & 1 == 1 ? (crc >> 1) ^ poly : crc >> 1
      }
    }
    crc ^= mask
    return (0..<width / 8).map { UInt8(truncatingIfNeeded: crc >> (width - 8 - 8 * $0)) }
  }

  private func digest(_ algorithm: ChecksumAlgorithm, _ bytes: [UInt8], portable: Bool = false)
    -> [UInt8]
  {
    var checksum = Checksum(algorithm, portable: portable)
    bytes.withUnsafeBytes { checksum.update($0) }
    return checksum.finalize()
  }
}

/// A small seeded generator, so failures repeat.
private struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func bytes(_ count: Int) -> [UInt8] {
    (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
  }
}

extension Array {
  fileprivate func repeated(_ times: Int) -> [Element] {
    Array((0..<times).map { _ in self }.joined())
  }
}
