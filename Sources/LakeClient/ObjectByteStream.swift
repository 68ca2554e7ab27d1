import Foundation

/// An object's bytes as an `AsyncSequence` of chunks, fetched lazily in ranges of the
/// client's `partSize`, the next range while the caller works on the current one. At most two
/// ranges are in memory however large the object. Ranges after the first must find the first
/// one's ETag, so a replaced object ends the sequence with `PreconditionFailed`.
///
/// Made by ``LakeClient/objectBytes(bucket:key:)``. Leaving the loop early cancels the range
/// being fetched.
public struct ObjectByteStream: AsyncSequence, Sendable {
  public typealias Element = Data
  let client: LakeClient
  let bucket: String
  let key: String

  public func makeAsyncIterator() -> Iterator {
    Iterator(client: client, bucket: bucket, key: key)
  }

  /// Fetches range after range.
  public struct Iterator: AsyncIteratorProtocol {
    let client: LakeClient
    let bucket: String
    let key: String
    private var head: ObjectHead?
    private var offset: Int64 = 0
    private let prefetch = Prefetch()

    init(client: LakeClient, bucket: String, key: String) {
      self.client = client
      self.bucket = bucket
      self.key = key
    }

    public mutating func next() async throws(LakeClientError) -> Data? {
      let partSize = Swift.max(1, client.configuration.partSize)
      guard let head else {
        let first = try await client.firstRange(bucket: bucket, key: key, length: partSize)
        self.head = first.head
        offset = Int64(first.data.count)
        startPrefetch(head: first.head, partSize: partSize)
        return first.data.isEmpty ? nil : first.data
      }
      guard offset < head.size, let task = prefetch.take() else { return nil }
      let data: Data
      do {
        data = try await task.value
      } catch let error as LakeClientError {
        throw error
      } catch {
        throw .cancelled
      }
      offset += Int64(data.count)
      startPrefetch(head: head, partSize: partSize)
      return data
    }

    private func startPrefetch(head: ObjectHead, partSize: Int64) {
      guard offset < head.size else { return }
      let range = offset...(Swift.min(head.size, offset + partSize) - 1)
      let (client, bucket, key, etag) = (self.client, self.bucket, self.key, head.etag)
      prefetch.put(
        Task { () async throws -> Data in
          let (data, _) = try await client.getObject(
            bucket: bucket, key: key, range: range, ifMatch: etag)
          guard Int64(data.count) == Int64(range.count) else {
            throw LakeClientError.invalidResponse(
              "range \(range.lowerBound)-\(range.upperBound) came back with \(data.count) bytes")
          }
          return data
        })
    }
  }

  /// The range being fetched ahead; cancelled when the iterator goes away.
  final class Prefetch: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Data, any Error>?

    func put(_ task: Task<Data, any Error>) {
      lock.lock()
      self.task = task
      lock.unlock()
    }

    func take() -> Task<Data, any Error>? {
      lock.lock()
      defer { lock.unlock() }
      let task = self.task
      self.task = nil
      return task
    }

    deinit { task?.cancel() }
  }
}

extension LakeClient {
  /// The object's bytes as a lazily fetched sequence of chunks, with bounded memory.
  ///
  /// ```swift
  /// for try await chunk in lake.objectBytes(bucket: "raw", key: "big.parquet") { ... }
  /// ```
  public func objectBytes(bucket: String, key: String) -> ObjectByteStream {
    ObjectByteStream(client: self, bucket: bucket, key: key)
  }
}
