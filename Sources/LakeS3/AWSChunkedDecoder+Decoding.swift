import Crypto

extension AWSChunkedDecoder {
  /// Decodes the next piece of the body, handing each run of data bytes to `emit` in order
  /// (slices of `input`, valid only during the call).
  ///
  /// Throws the `S3Error` the body deserves, on the first byte that makes it wrong; an error
  /// thrown by `emit` propagates unchanged. After any error the decoder stays failed.
  public mutating func decode(
    _ input: UnsafeRawBufferPointer, into emit: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    if case .failed(let error) = state { throw error }
    var index = 0
    while index < input.count {
      switch state {
      case .failed(let error):
        throw error
      case .chunkData(let remaining):
        let take = Int(min(Int64(input.count - index), remaining))
        let piece = UnsafeRawBufferPointer(rebasing: input[index..<(index + take)])
        index += take
        decodedBytes += Int64(take)
        if mode.signingChain != nil { chunkHash.update(bufferPointer: piece) }
        let left = remaining - Int64(take)
        state = left == 0 ? .chunkEnd(sawCR: false) : .chunkData(remaining: left)
        do {
          try emit(piece)
        } catch {
          state = .failed(
            S3Error(.internalError, "The consumer of the decoded body failed: \(error)"))
          throw error
        }
      default:
        let byte = input[index]
        index += 1
        do throws(S3Error) {
          try step(byte)
        } catch {
          state = .failed(error)
          throw error
        }
      }
    }
  }

  /// Ends the body: returns the trailers (lowercased names, trimmed values, in the order
  /// received; empty for `.signed`) if the body was complete, else throws (`IncompleteBody`
  /// for a truncated body). The closing empty line after the last trailer may be missing, as
  /// s3s accepts; a partial line may not.
  public mutating func finish() throws(S3Error) -> [(name: String, value: String)] {
    switch state {
    case .failed(let error):
      throw error
    case .complete:
      return trailers
    case .trailers where line.isEmpty:
      do throws(S3Error) {
        try endTrailers()
      } catch {
        state = .failed(error)
        throw error
      }
      state = .complete
      return trailers
    case .trailers:
      throw fail(.incompleteBody, "The request body ended inside a trailer line.")
    case .chunkHeader, .chunkData, .chunkEnd:
      throw fail(
        .incompleteBody,
        "The request body terminated unexpectedly, after \(decodedBytes) of \(decodedLength) bytes and before its final chunk."
      )
    }
  }

  /// Records and returns a failure.
  mutating func fail(_ code: S3ErrorCode, _ message: String) -> S3Error {
    let error = S3Error(code, message)
    state = .failed(error)
    return error
  }

  /// One byte outside chunk data.
  mutating func step(_ byte: UInt8) throws(S3Error) {
    switch state {
    case .chunkHeader:
      guard byte == UInt8(ascii: "\n") else {
        guard line.count + 2 <= limits.maxChunkHeaderBytes else {
          throw S3Error(
            .incompleteBody, "A chunk header is longer than \(limits.maxChunkHeaderBytes) bytes.")
        }
        line.append(byte)
        return
      }
      guard line.last == UInt8(ascii: "\r") else {
        throw S3Error(.incompleteBody, "A chunk header does not end with CRLF.")
      }
      line.removeLast()
      let (size, signature) = try parseChunkHeader()
      line.removeAll(keepingCapacity: true)
      try startChunk(size: size, signature: signature)
    case .chunkEnd(let sawCR):
      if !sawCR && byte == UInt8(ascii: "\r") {
        state = .chunkEnd(sawCR: true)
      } else if sawCR && byte == UInt8(ascii: "\n") {
        if mode.signingChain != nil {
          let hash = Hex.encode(chunkHash.finalize())
          try verifyChunk(dataHash: hash)
        }
        state = .chunkHeader
      } else {
        throw S3Error(.incompleteBody, "Chunk \(chunkCount) is not followed by CRLF.")
      }
    case .trailers:
      try trailerByte(byte)
    case .complete:
      throw S3Error(.malformedTrailer, "Data follows the end of the aws-chunked body.")
    case .chunkData, .failed:
      preconditionFailure("decode(_:into:) handles chunk data and failures")
    }
  }

  /// Parses `line` (CRLF removed): `<hex size>` and, when signed, `;chunk-signature=<64 hex>`.
  /// No spaces and no other extension are accepted, as MinIO and s3s.
  func parseChunkHeader() throws(S3Error) -> (size: Int64, signature: String?) {
    let sizeEnd = line.firstIndex(of: UInt8(ascii: ";")) ?? line.endIndex
    let digits = line[..<sizeEnd]
    guard !digits.isEmpty, digits.count <= 16 else {
      throw S3Error(.incompleteBody, "A chunk size is not 1 to 16 hexadecimal digits.")
    }
    var size: UInt64 = 0
    for digit in digits {
      guard let value = Hex.value(of: digit) else {
        throw S3Error(.incompleteBody, "A chunk size is not hexadecimal.")
      }
      size = size << 4 | UInt64(value)  // at most 16 digits: no overflow
    }
    guard size <= UInt64(decodedLength - decodedBytes) else {
      throw S3Error(
        .incompleteBody,
        "A chunk of \(size) bytes after \(decodedBytes) goes past x-amz-decoded-content-length (\(decodedLength))."
      )
    }
    let rest = line[sizeEnd...]
    guard mode.signingChain != nil else {
      guard rest.isEmpty else {
        throw S3Error(.incompleteBody, "An unsigned chunk header carries an extension.")
      }
      return (Int64(size), nil)
    }
    let prefix = Self.signatureExtension
    guard rest.count == prefix.count + 64, rest.starts(with: prefix),
      rest.dropFirst(prefix.count).allSatisfy({ Hex.value(of: $0) != nil })
    else {
      throw S3Error(
        .incompleteBody, "A signed chunk header must end with ;chunk-signature=<64 hex digits>.")
    }
    return (Int64(size), String(decoding: rest.dropFirst(prefix.count), as: UTF8.self).lowercased())
  }

  static let signatureExtension = Array(";chunk-signature=".utf8)

  mutating func startChunk(size: Int64, signature: String?) throws(S3Error) {
    chunkCount += 1
    claimedSignature = signature ?? ""
    guard size == 0 else {
      chunkHash = SHA256()
      state = .chunkData(remaining: size)
      return
    }
    if signature != nil { try verifyChunk(dataHash: SigV4.emptyPayloadHash) }
    guard decodedBytes == decodedLength else {
      throw S3Error(
        .incompleteBody,
        "The body carries \(decodedBytes) bytes; x-amz-decoded-content-length says \(decodedLength)."
      )
    }
    state = .trailers
  }

  /// Checks the current chunk's claimed signature and moves the chain on.
  mutating func verifyChunk(dataHash: String) throws(S3Error) {
    guard let chain = mode.signingChain else { return }
    let expected = chain.chunkSignature(previous: previousSignature, dataHash: dataHash)
    guard SigV4.constantTimeEquals(expected, claimedSignature) else {
      throw S3Error(
        .signatureDoesNotMatch,
        "The signature of chunk \(chunkCount) does not match. Check your key and signing method.")
    }
    previousSignature = expected
  }
}
