import Foundation

/// Random version-4 UUIDs in lowercase, for names of temp, part and overflow files.
///
/// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` on every call (three
/// system calls, twice per PUT); this draws the same 122 random bits from
/// `SystemRandomNumberGenerator` (`getrandom`).
enum UniqueName {
  static func next() -> String {
    var generator = SystemRandomNumberGenerator()
    var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &uuid) { bytes in
      bytes.storeBytes(of: generator.next() as UInt64, toByteOffset: 0, as: UInt64.self)
      bytes.storeBytes(of: generator.next() as UInt64, toByteOffset: 8, as: UInt64.self)
      bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
      bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
    }
    return UUID(uuid: uuid).uuidString.lowercased()
  }
}
