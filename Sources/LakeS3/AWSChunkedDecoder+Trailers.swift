extension AWSChunkedDecoder {
  /// One byte of the trailer section: `name:value` lines, then an empty line. A line ends
  /// with CRLF or a bare LF (RFC 9112 §2.2 lets a recipient accept LF; s3s does here).
  mutating func trailerByte(_ byte: UInt8) throws(S3Error) {
    trailerBytes += 1
    guard trailerBytes <= limits.maxTrailerBytes else {
      throw S3Error(
        .malformedTrailer, "The trailers are longer than \(limits.maxTrailerBytes) bytes.")
    }
    guard byte == UInt8(ascii: "\n") else {
      line.append(byte)
      return
    }
    if line.last == UInt8(ascii: "\r") { line.removeLast() }
    if line.isEmpty {
      try endTrailers()
      state = .complete
      return
    }
    try acceptTrailerLine()
    line.removeAll(keepingCapacity: true)
  }

  /// Parses `line` as one trailer. Spaces and tabs around the name and the value are
  /// dropped (AWS accepts them around the colon); the name must be a token, the value
  /// visible ASCII, spaces and tabs.
  mutating func acceptTrailerLine() throws(S3Error) {
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
      throw S3Error(.malformedTrailer, "A trailer line has no colon.")
    }
    let name = String(decoding: line[..<colon], as: UTF8.self).trimmingASCIIWhitespace()
      .lowercased()
    let valueBytes = line[(colon + 1)...]
    guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte),
      valueBytes.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 })
    else {
      throw S3Error(.malformedTrailer, "A trailer line is not a valid header field.")
    }
    let value = String(decoding: valueBytes, as: UTF8.self).trimmingASCIIWhitespace()
    guard trailerSignature == nil else {
      throw S3Error(.malformedTrailer, "A trailer follows x-amz-trailer-signature.")
    }
    if name == Self.trailerSignatureName {
      guard case .signedWithTrailer = mode else {
        throw S3Error(.malformedTrailer, "The trailers of this body are not signed.")
      }
      guard value.utf8.count == 64, value.utf8.allSatisfy({ Hex.value(of: $0) != nil }) else {
        throw S3Error(.malformedTrailer, "x-amz-trailer-signature is not 64 hexadecimal digits.")
      }
      trailerSignature = value.lowercased()
      return
    }
    if case .signed = mode {
      throw S3Error(
        .malformedTrailer, "\(AWSChunkedDecoder.signedPayload) bodies carry no trailers.")
    }
    guard announcedTrailers.contains(name) else {
      throw S3Error(.malformedTrailer, "The trailer \(name) was not announced in x-amz-trailer.")
    }
    guard !trailers.contains(where: { $0.name == name }) else {
      throw S3Error(.malformedTrailer, "The trailer \(name) appears twice.")
    }
    guard trailers.count < limits.maxTrailerCount else {
      throw S3Error(.malformedTrailer, "More than \(limits.maxTrailerCount) trailers.")
    }
    trailers.append((name, value))
  }

  /// The trailer section ended: checks the trailer signature, then that every announced
  /// trailer came.
  mutating func endTrailers() throws(S3Error) {
    if case .signedWithTrailer(let chain) = mode {
      guard let provided = trailerSignature else {
        throw S3Error(.malformedTrailer, "x-amz-trailer-signature is missing.")
      }
      let expected = chain.trailerSignature(previous: previousSignature, trailers: trailers)
      guard SigV4.constantTimeEquals(expected, provided) else {
        throw S3Error(
          .signatureDoesNotMatch,
          "The trailer signature does not match. Check your key and signing method.")
      }
    }
    let missing = announcedTrailers.filter { name in !trailers.contains { $0.name == name } }
    guard missing.isEmpty else {
      throw S3Error(
        .malformedTrailer,
        "The trailer \(missing.joined(separator: ", ")) announced in x-amz-trailer is missing.")
    }
  }

  static let trailerSignatureName = "x-amz-trailer-signature"

  /// RFC 9110 `tchar`.
  static func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    default:
      return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
    }
  }
}
