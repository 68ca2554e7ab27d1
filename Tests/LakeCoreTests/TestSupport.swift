import Crypto
import Foundation
import Logging
import XCTest

@testable import LakeCore

/// A fresh directory under the system temp directory, removed when the value is released.
final class TemporaryDirectory: Sendable {
  let path: String

  init() throws {
    let template = NSTemporaryDirectory() + "lakecore-test-XXXXXX"
    var bytes = Array(template.utf8CString)
    guard let result = mkdtemp(&bytes) else {
      throw LakeError.io(operation: "mkdtemp", path: template, errno: errno)
    }
    path = String(cString: result)
  }

  deinit {
    remove()
  }

  /// Deletes the directory tree now (XCTest keeps teardown blocks, and what they capture,
  /// alive until the process ends, so deinit alone would leave directories behind).
  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// `<path>/<relative>`.
  func url(_ relative: String) -> String { path + "/" + relative }
}

let quietLogger = Logger(label: "lakecore-tests") { _ in SwiftLogNoOpLogHandler() }

extension XCTestCase {
  /// A store on a fresh temp directory, which lives until the test's teardown.
  func makeStore(options: StoreOptions = StoreOptions()) throws -> (LakeStore, TemporaryDirectory) {
    let directory = try TemporaryDirectory()
    let store = try LakeStore(dataDirectory: directory.path, options: options, logger: quietLogger)
    addTeardownBlock {
      store.close()
      directory.remove()
    }
    return (store, directory)
  }

  /// Reopens a store on an existing directory (recovery runs).
  func reopen(_ directory: TemporaryDirectory, options: StoreOptions = StoreOptions()) throws
    -> LakeStore
  {
    try LakeStore(dataDirectory: directory.path, options: options, logger: quietLogger)
  }
}

/// PUTs `bytes` in one write.
@discardableResult
func put(
  _ store: LakeStore, _ bucket: String, _ key: String, _ bytes: [UInt8],
  metadata: ObjectMetadata = ObjectMetadata(), condition: WriteCondition = .none
) throws -> ObjectInfo {
  let writer = try store.makeWriter(bucket: bucket, key: key)
  try writer.write(bytes)
  return try store.commit(writer, metadata: metadata, condition: condition)
}

@discardableResult
func put(_ store: LakeStore, _ bucket: String, _ key: String, _ text: String) throws -> ObjectInfo {
  try put(store, bucket, key, Array(text.utf8))
}

/// How many file descriptors this process has open.
func openDescriptorCount() throws -> Int {
  try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
}

/// Reads a whole descriptor with pread from offset 0 and closes it.
func readAll(_ descriptor: Int32) -> [UInt8] {
  defer { close(descriptor) }
  var result: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 64 * 1024)
  var offset: off_t = 0
  while true {
    let count = buffer.withUnsafeMutableBytes {
      pread(descriptor, $0.baseAddress, $0.count, offset)
    }
    if count <= 0 { break }
    result.append(contentsOf: buffer[..<count])
    offset += off_t(count)
  }
  return result
}

/// GETs an object: its row and bytes.
func get(_ store: LakeStore, _ bucket: String, _ key: String) throws -> (ObjectInfo, [UInt8]) {
  let opened = try store.openObject(bucket: bucket, key: key)
  return (opened.info, readAll(opened.descriptor))
}

func md5Hex(_ bytes: [UInt8]) -> String {
  Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

func fileExists(_ path: String) -> Bool {
  var info = stat()
  return lstat(path, &info) == 0
}

func fileBytes(_ path: String) -> [UInt8]? {
  FileManager.default.contents(atPath: path).map { Array($0) }
}

/// Every key of a bucket via repeated pages, following `after` like a client would.
func listAll(
  _ store: LakeStore, _ bucket: String, prefix: String = "", delimiter: String? = nil,
  pageSize: Int = 1000
) throws -> [ListEntry] {
  var entries: [ListEntry] = []
  var after: String?
  while true {
    let page = try store.listObjects(
      bucket: bucket, prefix: prefix, delimiter: delimiter, after: after, maxKeys: pageSize)
    entries += page.entries
    guard page.isTruncated, let last = page.entries.last else { return entries }
    after = last.name
  }
}

/// Runs `body(index)` on `count` real threads at once (not the 2-core dispatch pool) and
/// waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
  let group = DispatchGroup()
  let start = DispatchSemaphore(value: 0)
  for index in 0..<count {
    group.enter()
    let thread = Thread {
      start.wait()
      body(index)
      group.leave()
    }
    thread.start()
  }
  for _ in 0..<count { start.signal() }
  group.wait()
}
