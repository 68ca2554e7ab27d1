import CZlib

/// Inflates a gzip stream (RFC 1952) as its compressed bytes arrive, in pieces of any size,
/// handing the inflated bytes on in pieces of at most ``outputCapacity`` bytes: memory stays
/// at zlib's state (about 45 KiB) plus the output buffer, whatever the file's size.
///
/// Every member of a multi-member stream (`cat a.gz b.gz`) is read, in order, as one stream;
/// zero bytes after a member are padding and skipped, as gzip(1) does. Anything else after a
/// member must be the next member. The inflated total is checked against a maximum (a
/// decompression bomb stops there, with an error), and ``finish()`` says whether the stream
/// stopped inside a member. Every failure is a ``GzipError``; no input traps.
///
/// Not thread-safe: one owner feeds it in order. zlib keeps a pointer to its stream state, so
/// the state lives at a fixed heap address for the inflater's lifetime.
public final class GzipInflater {
  /// The most bytes one call of the output closure receives.
  public let outputCapacity: Int
  /// The most inflated bytes the stream may hold; past it inflating stops with `tooLarge`.
  public let maxInflatedBytes: Int64
  /// Compressed bytes read so far.
  public private(set) var compressedBytes: Int64 = 0
  /// Inflated bytes handed on so far.
  public private(set) var inflatedBytes: Int64 = 0
  /// Members started so far (the last one possibly unfinished).
  public private(set) var members = 0

  private let stream: UnsafeMutablePointer<z_stream>
  private let output: UnsafeMutableRawBufferPointer
  /// True between members: before the first one, and after each member's end.
  private var betweenMembers = true

  /// A fresh inflater. Throws `resources` when zlib cannot allocate its state.
  public init(maxInflatedBytes: Int64, outputCapacity: Int = 256 << 10) throws(GzipError) {
    self.maxInflatedBytes = max(0, maxInflatedBytes)
    self.outputCapacity = min(max(1, outputCapacity), Int(UInt32.max))
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    guard lakestore_inflate_init(stream) == Z_OK else {
      stream.deinitialize(count: 1)
      stream.deallocate()
      throw GzipError(.resources, "zlib could not start inflating")
    }
    output = .allocate(byteCount: self.outputCapacity, alignment: 16)
  }

  deinit {
    inflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
    output.deallocate()
  }

  /// Inflates the next compressed bytes, handing every inflated piece to `body` before it
  /// returns (a piece is valid only during its call). A failure of `body` stops inflating and
  /// is rethrown as `.output`; after any error the inflater must not be used again.
  public func inflate<Failure: Error>(
    _ compressed: UnsafeRawBufferPointer,
    into body: (UnsafeRawBufferPointer) throws(Failure) -> Void
  ) throws(GzipInflateError<Failure>) {
    guard let base = compressed.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
    var offset = 0
    while offset < compressed.count {
      if betweenMembers {
        let byte = base[offset]
        // gzip(1) skips zero padding after a member (tape blocks); the first byte of a member
        // is 0x1F, so only gzip members are read (never a zlib stream, which 15 + 32
        // window bits would also accept).
        if byte == 0, members > 0 {
          offset += 1
          compressedBytes += 1
          continue
        }
        guard byte == 0x1F else {
          throw .gzip(
            GzipError(
              .corrupt,
              members == 0
                ? "the data is not gzip (it does not start with 1f 8b)"
                : "the bytes after gzip member \(members) (at compressed byte \(compressedBytes)) "
                  + "start no gzip member"))
        }
        if members > 0, inflateReset(stream) != Z_OK {
          throw .gzip(GzipError(.corrupt, "zlib could not start gzip member \(members + 1)"))
        }
        members += 1
        betweenMembers = false
      }
      let available = min(compressed.count - offset, Int(UInt32.max))
      stream.pointee.next_in = UnsafeMutablePointer(mutating: base + offset)
      stream.pointee.avail_in = UInt32(available)
      let consumed = try inflateAvailable(body)
      offset += consumed
    }
  }

  /// Ends the stream: throws `truncated` when it stopped inside a member (or held none).
  public func finish() throws(GzipError) {
    guard betweenMembers, members > 0 else {
      throw GzipError(
        .truncated,
        members == 0
          ? "the gzip stream is empty"
          : "the gzip stream ends early: member \(members) is not finished after "
            + "\(compressedBytes) compressed bytes")
    }
  }

  /// Runs zlib over the input set in the stream until it is used up or a member ends;
  /// returns how many input bytes were consumed.
  private func inflateAvailable<Failure: Error>(
    _ body: (UnsafeRawBufferPointer) throws(Failure) -> Void
  ) throws(GzipInflateError<Failure>) -> Int {
    let given = Int(stream.pointee.avail_in)
    let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
    var counted = 0
    while true {
      stream.pointee.next_out = out
      stream.pointee.avail_out = UInt32(outputCapacity)
      let code = CZlib.inflate(stream, Z_NO_FLUSH)
      let produced = outputCapacity - Int(stream.pointee.avail_out)
      let consumedNow = given - Int(stream.pointee.avail_in)
      compressedBytes += Int64(consumedNow - counted)
      counted = consumedNow
      if produced > 0 {
        guard Int64(produced) <= maxInflatedBytes - inflatedBytes else {
          throw .gzip(
            GzipError(
              .tooLarge, "the gzip stream inflates to more than \(maxInflatedBytes) bytes"))
        }
        inflatedBytes += Int64(produced)
        do throws(Failure) {
          try body(UnsafeRawBufferPointer(start: out, count: produced))
        } catch {
          throw .output(error)
        }
      }
      switch code {
      case Z_STREAM_END:
        betweenMembers = true
        return consumedNow
      case Z_OK:
        // Output full: more may be pending. Otherwise the input is used up.
        if stream.pointee.avail_out == 0 { continue }
        if stream.pointee.avail_in == 0 { return consumedNow }
      case Z_BUF_ERROR:
        // No progress was possible: the input is used up and nothing is pending. (With
        // input and output room left zlib always progresses; refuse rather than spin.)
        guard stream.pointee.avail_in == 0 else {
          throw .gzip(
            GzipError(.corrupt, "zlib made no progress at compressed byte \(compressedBytes)"))
        }
        return consumedNow
      case Z_MEM_ERROR:
        throw .gzip(GzipError(.resources, "zlib ran out of memory"))
      default:
        throw .gzip(
          GzipError(
            .corrupt,
            "the gzip data is corrupt in member \(members) near compressed byte "
              + "\(compressedBytes): \(zlibMessage(code))"))
      }
    }
  }

  /// zlib's message for the stream's last error, or the code's meaning.
  private func zlibMessage(_ code: Int32) -> String {
    if let message = stream.pointee.msg { return String(cString: message) }
    switch code {
    case Z_NEED_DICT: return "a preset dictionary is required"
    case Z_DATA_ERROR: return "invalid deflate data"
    default: return "zlib error \(code)"
    }
  }
}

/// A failure of ``GzipInflater/inflate(_:into:)``: the gzip stream's, or that of the closure
/// the inflated bytes were handed to.
public enum GzipInflateError<Failure: Error>: Error {
  case gzip(GzipError)
  case output(Failure)
}
