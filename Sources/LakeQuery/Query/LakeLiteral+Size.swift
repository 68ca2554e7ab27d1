extension LakeLiteral {
  /// The literal as a number of bytes, for `object.size`: digits with an optional fraction and
  /// an optional unit, `100`, `100B`, `10MB`, `1.5GiB`, `512KiB` (blanks between number and unit
  /// allowed in quotes). Decimal units are powers of 1000 (`kB`/`KB`, `MB`, `GB`, `TB`, `PB`,
  /// `EB`), binary units powers of 1024 (`KiB`, `MiB`, `GiB`, `TiB`, `PiB`, `EiB`); units match
  /// case-insensitively. Nil for anything else, for a negative size, for a fraction that is not
  /// a whole number of bytes (`0.1KiB`) and for more than `Int64.max` bytes.
  public var byteCount: Int64? {
    let scalars = Array(text.unicodeScalars)
    var index = 0
    var mantissa: UInt128 = 0
    var fractionDigits = 0
    var digits = 0
    var seenPoint = false
    while index < scalars.count {
      let scalar = scalars[index]
      if scalar == ".", !seenPoint {
        seenPoint = true
      } else if let digit = Self.digit(scalar) {
        let (times, overflow1) = mantissa.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times.addingReportingOverflow(UInt128(digit))
        guard !overflow1, !overflow2 else { return nil }
        mantissa = sum
        digits += 1
        if seenPoint { fractionDigits += 1 }
      } else {
        break
      }
      index += 1
    }
    guard digits > 0, scalars[index - 1] != "." else { return nil }
    let numberEnd = index
    while index < scalars.count, scalars[index] == " " { index += 1 }
    let unitText = String(String.UnicodeScalarView(scalars[index...])).lowercased()
    guard let unit = Self.units[unitText], index == numberEnd || !unitText.isEmpty else {
      return nil
    }
    var divisor: UInt128 = 1
    for _ in 0..<fractionDigits {
      let (next, overflow) = divisor.multipliedReportingOverflow(by: 10)
      guard !overflow else { return nil }
      divisor = next
    }
    let (bytes, overflow) = mantissa.multipliedReportingOverflow(by: unit)
    guard !overflow, bytes % divisor == 0, bytes / divisor <= UInt128(Int64.max) else {
      return nil
    }
    return Int64(bytes / divisor)
  }

  /// Lowercase unit names and their sizes.
  private static let units: [String: UInt128] = {
    var units: [String: UInt128] = ["": 1, "b": 1]
    for (power, prefix) in ["k", "m", "g", "t", "p", "e"].enumerated() {
      units[prefix + "b"] = (0...power).reduce(1) { value, _ in value * 1000 }
      units[prefix + "ib"] = (0...power).reduce(1) { value, _ in value * 1024 }
    }
    return units
  }()

  private static func digit(_ scalar: Unicode.Scalar) -> UInt128? {
    ("0"..."9").contains(scalar) ? UInt128(scalar.value - 48) : nil
  }
}
