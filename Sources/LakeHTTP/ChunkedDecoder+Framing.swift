extension ChunkedDecoder {
  /// Advances over one framing byte (everything but chunk data).
  mutating func step(_ byte: UInt8) throws(HTTPBodyError) {
    switch state {
    case .size:
      if let value = Self.hexValue(byte) {
        // Overflow check: another digit must still fit in Int64.
        guard chunkSize <= (Int64.max - Int64(value)) >> 4 else { throw .malformed }
        chunkSize = chunkSize << 4 | Int64(value)
        digits += 1
        try countSizeLine()
        return
      }
      guard digits > 0 else { throw .malformed }
      try afterSize(byte)
    case .sizeSpace:
      try afterSize(byte)
    case .chunkExtension:
      if byte == UInt8(ascii: "\r") {
        state = .sizeLF
      } else if byte < 0x20 && byte != 0x09 || byte == 0x7F {
        throw .malformed
      } else {
        try countSizeLine()
      }
    case .sizeLF:
      guard byte == UInt8(ascii: "\n") else { throw .malformed }
      try startChunk()
    case .data:
      preconditionFailure("chunk data is copied, not stepped")
    case .dataCR:
      guard byte == UInt8(ascii: "\r") else { throw .malformed }
      state = .dataLF
    case .dataLF:
      guard byte == UInt8(ascii: "\n") else { throw .malformed }
      state = .size
    case .trailerStart:
      try countTrailer()
      state = byte == UInt8(ascii: "\r") ? .finalLF : .trailerLine
      if byte == UInt8(ascii: "\n") { throw .malformed }
    case .trailerLine:
      try countTrailer()
      if byte == UInt8(ascii: "\r") {
        state = .trailerLF
      } else if byte == UInt8(ascii: "\n") {
        throw .malformed
      }
    case .trailerLF:
      try countTrailer()
      guard byte == UInt8(ascii: "\n") else { throw .malformed }
      state = .trailerStart
    case .finalLF:
      guard byte == UInt8(ascii: "\n") else { throw .malformed }
      state = .done
    case .done:
      break
    }
  }

  /// After the size digits: BWS, then `;` starting an extension, or CR.
  private mutating func afterSize(_ byte: UInt8) throws(HTTPBodyError) {
    try countSizeLine()
    switch byte {
    case UInt8(ascii: " "), UInt8(ascii: "\t"): state = .sizeSpace
    case UInt8(ascii: ";"): state = .chunkExtension
    case UInt8(ascii: "\r"): state = .sizeLF
    default: throw .malformed
    }
  }

  /// The size line has ended: a data chunk follows, or the last chunk's trailer section.
  private mutating func startChunk() throws(HTTPBodyError) {
    if chunkSize == 0 {
      state = .trailerStart
    } else {
      guard chunkSize <= maxBodyBytes - totalBytes else { throw .tooLarge }
      remaining = chunkSize
      state = .data
    }
    chunkSize = 0
    digits = 0
    lineBytes = 0
  }

  private mutating func countSizeLine() throws(HTTPBodyError) {
    lineBytes += 1
    if lineBytes > Self.maxSizeLineBytes { throw .malformed }
  }

  private mutating func countTrailer() throws(HTTPBodyError) {
    trailerBytes += 1
    if trailerBytes > Self.maxTrailerBytes { throw .malformed }
  }

  static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
