import Foundation
import LakeS3

extension LakeClient {
  /// Downloads the object into `file` in ranges of `configuration.partSize`, up to
  /// `configuration.parallelism` at once, so memory stays near `partSize * parallelism`
  /// however large the object. Every range after the first asks for the first one's ETag
  /// (`If-Match`), so an object replaced mid-download fails with `PreconditionFailed` instead
  /// of mixing versions. The bytes go to a temporary file beside `file`, renamed over `file`
  /// only when complete, so no reader ever sees a partial file (like `cp`, it is not fsynced:
  /// call `fsync` yourself if the copy must survive power loss).
  @discardableResult
  public func download(
    bucket: String, key: String, to file: URL,
    progress: (@Sendable (TransferProgress) -> Void)? = nil
  ) async throws(LakeClientError) -> ObjectHead {
    let temporary = file.deletingLastPathComponent().appendingPathComponent(
      ".\(file.lastPathComponent).lakectl-\(UUID().uuidString.prefix(8))")
    let writer = try LocalFile.PositionalWriter(creating: temporary.path)
    var finished = false
    defer { if !finished { unlink(temporary.path) } }
    let head = try await writeRanges(bucket: bucket, key: key, into: writer, progress: progress)
    guard rename(temporary.path, file.path) == 0 else {
      throw .local(
        "cannot rename into \(file.path): \(String(cString: strerror(errno)))", resource: file.path)
    }
    finished = true
    return head
  }

  /// Fetches the object range by range into `writer`, each range's bytes written at their
  /// place as they arrive; returns the head of the first range.
  private func writeRanges(
    bucket: String, key: String, into writer: LocalFile.PositionalWriter,
    progress: (@Sendable (TransferProgress) -> Void)?
  ) async throws(LakeClientError) -> ObjectHead {
    let partSize = max(1, configuration.partSize)
    let counter = ProgressCounter(total: nil, report: progress)
    // The first range is read into memory (one range at most): most objects of a batch are
    // small, and a buffered request costs URLSession less than a streamed one.
    let (data, head) = try await firstRange(bucket: bucket, key: key, length: partSize)
    try writer.write(data, at: 0)
    counter.add(Int64(data.count))
    let first = Int64(data.count)
    counter.setTotal(head.size)
    var offsets: [Int64] = []
    var offset = first
    while offset < head.size {
      offsets.append(offset)
      offset += partSize
    }
    let size = head.size
    let etag = head.etag
    try await forEachConcurrently(offsets, limit: configuration.parallelism) {
      offset throws(LakeClientError) in
      let last = min(size, offset + partSize) - 1
      try await self.streamRange(
        bucket: bucket, key: key, range: offset...last, ifMatch: etag, into: writer,
        counter: counter)
    }
    return head
  }

  /// GETs `range` of the version `ifMatch` names and writes its bytes into `writer` at their
  /// offsets as they arrive; checks that exactly the range came back.
  private func streamRange(
    bucket: String, key: String, range: ClosedRange<Int64>, ifMatch: String,
    into writer: LocalFile.PositionalWriter, counter: ProgressCounter
  ) async throws(LakeClientError) {
    let position = RangePosition(start: range.lowerBound)
    _ = try await stream(
      S3Request(
        "GET", bucket: bucket, key: key, headers: Self.rangeHeaders(range, ifMatch: ifMatch)),
      restart: { position.reset() },
      sink: { chunk in
        try writer.write(chunk, at: position.advance(by: chunk.count))
        counter.add(Int64(chunk.count))
      })
    let received = position.offset - range.lowerBound
    guard received == Int64(range.count) else {
      throw .invalidResponse(
        "range \(range.lowerBound)-\(range.upperBound) came back with \(received) bytes")
    }
  }

  /// The object's first `length` bytes and its head; an empty object (which has no first
  /// byte, so a range answers 416) is fetched whole.
  func firstRange(bucket: String, key: String, length: Int64) async throws(LakeClientError) -> (
    data: Data, head: ObjectHead
  ) {
    do {
      return try await getObject(bucket: bucket, key: key, range: 0...(length - 1))
    } catch  where error.status == 416 {
      return try await getObject(bucket: bucket, key: key)
    }
  }

  /// A ranged GET that must still find the version `ifMatch` names.
  func getObject(bucket: String, key: String, range: ClosedRange<Int64>, ifMatch: String)
    async throws(LakeClientError) -> (data: Data, head: ObjectHead)
  {
    let response = try await send(
      S3Request(
        "GET", bucket: bucket, key: key, headers: Self.rangeHeaders(range, ifMatch: ifMatch)))
    return (response.body, try ObjectHead(headers: response.headers))
  }
}

/// Where the next streamed byte of one range goes.
final class RangePosition: @unchecked Sendable {
  private let lock = NSLock()
  private let start: Int64
  private var next: Int64

  init(start: Int64) {
    self.start = start
    self.next = start
  }

  /// The offset for a chunk of `count` bytes; moves past it.
  func advance(by count: Int) -> Int64 {
    lock.lock()
    defer { lock.unlock() }
    let here = next
    next += Int64(count)
    return here
  }

  func reset() {
    lock.lock()
    next = start
    lock.unlock()
  }

  var offset: Int64 {
    lock.lock()
    defer { lock.unlock() }
    return next
  }
}

/// Sums bytes moved by concurrent tasks and reports the total.
final class ProgressCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var done: Int64 = 0
  private var total: Int64?
  private let report: (@Sendable (TransferProgress) -> Void)?

  init(total: Int64?, report: (@Sendable (TransferProgress) -> Void)?) {
    self.total = total
    self.report = report
  }

  func add(_ bytes: Int64) {
    lock.lock()
    done += bytes
    let now = done
    let total = self.total
    lock.unlock()
    report?(TransferProgress(bytesDone: now, bytesTotal: total))
  }

  func setTotal(_ total: Int64) {
    lock.lock()
    self.total = total
    lock.unlock()
  }
}

/// Runs `body` for every element, at most `limit` at once; the first error cancels the rest
/// and is thrown (a non-client error, such as a cancellation, as `cancelled`).
func forEachConcurrently<Element: Sendable>(
  _ elements: [Element], limit: Int,
  _ body: @escaping @Sendable (Element) async throws(LakeClientError) -> Void
) async throws(LakeClientError) {
  do {
    try await Parallel.forEach(elements, limit: limit) { try await body($0) }
  } catch let error as LakeClientError {
    throw error
  } catch {
    throw .cancelled
  }
}

/// Bounded parallelism for batches of transfers.
public enum Parallel {
  /// Runs `body` for every element with at most `limit` running at once, starting the next as
  /// one finishes; the first error cancels the others and is rethrown.
  public static func forEach<Element: Sendable>(
    _ elements: [Element], limit: Int, _ body: @escaping @Sendable (Element) async throws -> Void
  ) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      var next = 0
      while next < min(max(1, limit), elements.count) {
        let element = elements[next]
        group.addTask { try await body(element) }
        next += 1
      }
      while try await group.next() != nil {
        if next < elements.count {
          let element = elements[next]
          group.addTask { try await body(element) }
          next += 1
        }
      }
    }
  }
}
