import CLakeSystem
import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Streams one object's bytes into a temp file in `.lakestore/tmp/`, hashing MD5 as it goes;
/// nothing is visible until `LakeStore.commit`. Never buffers the object.
///
/// Thread rule: not Sendable; one thread writes, then commits or aborts. If the writer is
/// dropped without either, its temp file is removed.
public final class ObjectWriter {
  private enum State {
    case open
    case sealed
    case finished
  }

  /// What `seal` hands to the commit.
  struct Sealed {
    var tmpName: String
    var size: Int64
    var md5: [UInt8]
    /// The file's ``FileOps/identity(_:)`` after the last write.
    var fileID: String?
  }

  let bucket: String
  let key: String
  let layout: DataLayout
  let tmpName: String
  private var descriptor: Int32
  private let digests: DigestPipeline
  private var state = State.open

  /// Bytes accepted by `write` so far.
  public private(set) var bytesWritten: Int64 = 0
  /// Where the next early writeback starts.
  private var writebackStart: Int64 = 0
  private let writebackInterval: Int64
  let faults: WriteFaults?
  private let minFreeBytes: Int64

  /// Creates the temp file (`O_EXCL`, unique name). Throws `.io`.
  init(
    bucket: String, key: String, layout: DataLayout, writebackInterval: Int64,
    minFreeBytes: Int64, digests extra: [any ObjectDigest], faults: WriteFaults?
  ) throws(LakeError) {
    let name = "put-" + UniqueName.next()
    try faults.check(
      .createTemp, bucket: bucket, key: key, operation: "create", path: ".lakestore/tmp/" + name)
    do throws(Errno) {
      descriptor = try FileOps.open(
        layout.tmp, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
    } catch {
      throw error.lakeError("create", ".lakestore/tmp/" + name)
    }
    self.bucket = bucket
    self.key = key
    self.layout = layout
    self.tmpName = name
    self.writebackInterval = writebackInterval
    self.faults = faults
    self.minFreeBytes = minFreeBytes
    self.digests = DigestPipeline(extra: extra)
  }

  deinit {
    if state != .finished { discard() }
  }

  /// Appends `bytes` to the temp file (looping over partial writes) and to the MD5.
  /// Throws `.io` on a write error (for example ENOSPC); the writer should then be aborted.
  public func write(_ bytes: UnsafeRawBufferPointer) throws(LakeError) {
    guard state == .open else { throw .io(operation: "write", path: tmpPath, errno: EBADF) }
    try faults.check(.write, bucket: bucket, key: key, operation: "write", path: tmpPath)
    do throws(Errno) {
      try FileOps.writeAll(descriptor, bytes)
    } catch {
      throw error.lakeError("write", tmpPath)
    }
    digests.feed(bytes)
    if advance(by: Int64(bytes.count)) {
      // A body of unknown length is held to the free-space reserve as it grows.
      try layout.checkFreeSpace(reserve: minFreeBytes, needed: 0)
    }
  }

  /// Counts `count` more bytes written and, every `writebackInterval` bytes, asks the kernel
  /// to start writing the last stretch back: the disk works on it while the next one arrives
  /// and is hashed, so the final fsync waits for little more than the tail (a failure only
  /// loses the head start). Returns whether a writeback was started.
  private func advance(by count: Int64) -> Bool {
    bytesWritten += count
    guard writebackInterval > 0 && bytesWritten - writebackStart >= writebackInterval else {
      return false
    }
    _ = lake_start_writeback(descriptor, writebackStart, bytesWritten - writebackStart)
    writebackStart = bytesWritten
    return true
  }

  /// Appends the first `length` bytes of the open file `source` without passing them through
  /// user space where the kernel can copy (Complete assembling parts). These bytes bypass the
  /// digests: the MD5 `seal` reports then covers only what `write` appended.
  func append(file source: Int32, length: Int64, path: String) throws(LakeError) {
    guard state == .open else { throw .io(operation: "write", path: tmpPath, errno: EBADF) }
    try faults.check(.assemble, bucket: bucket, key: key, operation: "copy", path: path)
    do throws(Errno) {
      try FileOps.appendCopy(from: source, length: length, to: descriptor)
    } catch {
      throw error.lakeError("copy \(path) into", tmpPath)
    }
    _ = advance(by: length)
  }

  /// Appends a byte array; see `write(_:)` for the contract.
  public func write(_ bytes: [UInt8]) throws(LakeError) {
    // withUnsafeBytes only rethrows untyped errors, so carry the typed one out by hand.
    let failure = bytes.withUnsafeBytes { raw -> LakeError? in
      do throws(LakeError) {
        try write(raw)
        return nil
      } catch {
        return error
      }
    }
    if let failure { throw failure }
  }

  /// Waits until every digest given to `LakeStore.makeWriter` has seen every byte written so
  /// far (large objects are hashed on another thread while they stream in).
  public func finishDigests() {
    digests.finish()
  }

  /// Removes the temp file; the writer can no longer be used. Idempotent.
  public func abort() {
    if state != .finished { discard() }
  }

  var tmpPath: String { ".lakestore/tmp/" + tmpName }

  /// Fsyncs and closes the temp file and finishes the MD5. With `deferSync` the file stays
  /// open and unsynced until ``syncSealed()`` (so the caller can overlap that fsync with its
  /// catalog commit). On error the writer is discarded.
  func seal(deferSync: Bool = false) throws(LakeError) -> Sealed {
    guard state == .open else { throw .io(operation: "commit", path: tmpPath, errno: EBADF) }
    digests.finish()
    // The identity is fixed by the last write (an fsync changes neither inode nor mtime).
    let fileID = (try? FileOps.status(descriptor)).map(FileOps.identity)
    state = .sealed
    let md5 = digests.md5()
    digests.release()
    if !deferSync { try syncSealed() }
    return Sealed(tmpName: tmpName, size: bytesWritten, md5: md5, fileID: fileID)
  }

  /// Fsyncs and closes a sealed temp file (a no-op once done). On error the writer is
  /// discarded.
  func syncSealed() throws(LakeError) {
    guard state == .sealed, descriptor >= 0 else { return }
    do throws(Errno) {
      if let faults { try faults.check(.syncFile, bucket: bucket, key: key) }
      try FileOps.sync(descriptor)
    } catch {
      discard()
      throw error.lakeError("fsync", tmpPath)
    }
    FileOps.closeDescriptor(descriptor)
    descriptor = -1
  }

  /// The temp file has been renamed into place: nothing to clean up any more.
  func markCommitted() {
    state = .finished
  }

  /// Closes (if still open) and unlinks the temp file.
  func discard() {
    digests.release()
    if descriptor >= 0 {
      FileOps.closeDescriptor(descriptor)
      descriptor = -1
    }
    try? FileOps.unlink(layout.tmp, tmpName)
    state = .finished
  }
}

@available(*, unavailable)
extension ObjectWriter: Sendable {}
