import ArgumentParser
import CLakeChecksum
import Glibc
import LakeS3

/// Hashes one in-memory buffer with every S3 checksum algorithm, fed in chunks as a streamed
/// body would be, and prints the best of several rounds beside memcpy of the same buffer in
/// the same run, so figures from different machines can be read against their memory speed.
struct ChecksumsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checksums",
    abstract: "GB/s of CRC32, CRC32C, CRC64NVME, SHA1 and SHA256 vs memcpy, on one core."
  )

  @Option(help: "Buffer size in MiB.")
  var sizeMiB = 256

  @Option(help: "Rounds per algorithm; the best is reported.")
  var rounds = 5

  @Option(help: "Bytes per update call, in KiB (a streamed body's chunk).")
  var chunkKiB = 1024

  @Flag(help: "Also measure the portable (table-driven) CRC code.")
  var portable = false

  func validate() throws {
    guard sizeMiB > 0, rounds > 0, chunkKiB > 0 else {
      throw ValidationError("--size-mib, --rounds and --chunk-kib must be positive")
    }
  }

  func run() throws {
    let size = sizeMiB << 20
    let chunk = chunkKiB << 10
    let source = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
    let target = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
    defer {
      source.deallocate()
      target.deallocate()
    }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // xorshift64: incompressible, repeatable
    for offset in stride(from: 0, to: size, by: 8) {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      source.storeBytes(of: state, toByteOffset: offset, as: UInt64.self)
    }
    memset(target.baseAddress!, 0, size)
    let buffer = UnsafeRawBufferPointer(source)

    print("buffer \(sizeMiB) MiB, chunks of \(chunkKiB) KiB, best of \(rounds) rounds, one core")
    print("hardware CRC paths: \(describe(lake_checksum_accelerated()))")
    let memcpySeconds = best {
      memcpy(target.baseAddress!, source.baseAddress!, size)
      return UInt64(target.load(fromByteOffset: size / 2, as: UInt8.self))
    }
    let memcpyRate = Double(size) / memcpySeconds / 1e9
    print(row("memcpy", memcpyRate, memcpyRate))

    for algorithm in ChecksumAlgorithm.allCases {
      let seconds = best {
        var checksum = Checksum(algorithm)
        for start in stride(from: 0, to: size, by: chunk) {
          checksum.update(
            UnsafeRawBufferPointer(rebasing: buffer[start..<min(start + chunk, size)]))
        }
        return UInt64(checksum.finalize()[0])
      }
      print(row(algorithm.rawValue, Double(size) / seconds / 1e9, memcpyRate))
    }
    guard portable else { return }
    let portableCRCs: [(String, (UnsafeRawBufferPointer) -> UInt64)] = [
      ("CRC32 portable", { UInt64(lake_crc32_portable(0, $0.baseAddress, $0.count)) }),
      ("CRC32C portable", { UInt64(lake_crc32c_portable(0, $0.baseAddress, $0.count)) }),
      ("CRC64NVME portable", { lake_crc64nvme_portable(0, $0.baseAddress, $0.count) }),
    ]
    for (name, crc) in portableCRCs {
      let seconds = best { crc(buffer) }
      print(row(name, Double(size) / seconds / 1e9, memcpyRate))
    }
  }

  /// The shortest of `rounds` runs of `body`, in seconds; `body`'s result is kept alive.
  private func best(_ body: () -> UInt64) -> Double {
    var shortest = Double.infinity
    var sink: UInt64 = 0
    for _ in 0..<rounds {
      let start = ContinuousClock.now
      sink &+= body()
      let elapsed = ContinuousClock.now - start
      let seconds =
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
      shortest = min(shortest, seconds)
    }
    if sink == 0x5EED { print("", terminator: "") }
    return shortest
  }

  private func row(_ name: String, _ rate: Double, _ memcpyRate: Double) -> String {
    let padded = name + String(repeating: " ", count: max(0, 20 - name.count))
    return padded + format(rate, width: 8) + " GB/s" + format(rate / memcpyRate, width: 8)
      + " x memcpy"
  }

  private func format(_ value: Double, width: Int) -> String {
    let text = String(Int((value * 100).rounded())).leftPadded(to: 3, with: "0")
    let number = String(text.dropLast(2)) + "." + String(text.suffix(2))
    return number.leftPadded(to: width, with: " ")
  }

  private func describe(_ paths: UInt32) -> String {
    var names: [String] = []
    if paths & 1 != 0 { names.append("CRC32 pclmul") }
    if paths & 2 != 0 { names.append("CRC32C sse4.2") }
    if paths & 4 != 0 { names.append("CRC64NVME pclmul") }
    return names.isEmpty ? "none (portable)" : names.joined(separator: ", ")
  }
}

extension String {
  fileprivate func leftPadded(to width: Int, with pad: Character) -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }
}
