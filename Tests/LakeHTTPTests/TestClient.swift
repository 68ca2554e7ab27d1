import CLakeSystem
import Glibc
import XCTest

/// A response as the test client read it.
struct TestResponse {
  var status: Int
  var headers: [(name: String, value: String)]
  var body: [UInt8]

  func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  var text: String { String(decoding: body, as: UTF8.self) }
}

struct TestClientError: Error, CustomStringConvertible {
  var description: String
}

/// A tiny blocking HTTP/1.1 client over a raw socket, with a receive timeout so a broken
/// server fails a test instead of hanging it.
final class TestClient {
  let fd: Int32
  private var buffer: [UInt8] = []
  private var closed = false

  init(port: Int, timeoutMilliseconds: Int32 = 5000) throws {
    fd = lake_tcp_connect("127.0.0.1", Int32(port), timeoutMilliseconds)
    if fd < 0 { throw TestClientError(description: "connect failed: errno \(errno)") }
  }

  deinit { close() }

  /// Closes the socket (idempotent).
  func close() {
    if !closed { Glibc.close(fd) }
    closed = true
  }

  func send(_ text: String) throws { try send(Array(text.utf8)) }

  func send(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let sent = Glibc.send(
          fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
        if sent < 0 {
          if errno == EINTR { continue }
          throw TestClientError(description: "send failed: errno \(errno)")
        }
        offset += sent
      }
    }
  }

  /// Receives more bytes into the buffer; false at end of stream or on reset.
  private func fill() throws -> Bool {
    var chunk = [UInt8](repeating: 0, count: 256 * 1024)
    while true {
      let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count > 0 {
        buffer += chunk[0..<count]
        return true
      }
      if count == 0 { return false }
      if errno == EINTR { continue }
      if errno == ECONNRESET { return false }
      throw TestClientError(
        description: "recv failed: errno \(errno) (timeout is EAGAIN=\(EAGAIN))")
    }
  }

  /// Reads one response head and its `Content-Length` body (none when `bodyless`, for HEAD).
  func readResponse(bodyless: Bool = false) throws -> TestResponse {
    var response = try readHead()
    let noBody =
      bodyless || (100..<200).contains(response.status) || response.status == 204
      || response.status == 304
    if !noBody, let length = response.header("Content-Length").flatMap(Int.init) {
      response.body = try readBytes(length)
    }
    return response
  }

  func readHead() throws -> TestResponse {
    let separator = Array("\r\n\r\n".utf8)
    var end: Int?
    while true {
      if buffer.count >= 4 {
        end = (0...(buffer.count - 4)).first { buffer[$0..<$0 + 4].elementsEqual(separator) }
      }
      if end != nil { break }
      guard try fill() else { throw TestClientError(description: "closed before a response head") }
    }
    let text = String(decoding: buffer[0..<end!], as: UTF8.self)
    buffer.removeFirst(end! + 4)
    var lines = text.components(separatedBy: "\r\n")
    let statusLine = lines.removeFirst().split(separator: " ")
    guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else {
      throw TestClientError(description: "bad status line in \(text)")
    }
    let headers = lines.map { line -> (name: String, value: String) in
      let colon = line.firstIndex(of: ":")!
      return (
        String(line[..<colon]),
        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      )
    }
    return TestResponse(status: status, headers: headers, body: [])
  }

  func readBytes(_ count: Int) throws -> [UInt8] {
    while buffer.count < count {
      guard try fill() else { throw TestClientError(description: "closed inside a body") }
    }
    let bytes = Array(buffer[0..<count])
    buffer.removeFirst(count)
    return bytes
  }

  /// Streams `count` body bytes through `consume` without keeping them.
  func readBody(_ count: Int, _ consume: (ArraySlice<UInt8>) -> Void) throws {
    var left = count
    while left > 0 {
      if buffer.isEmpty {
        guard try fill() else { throw TestClientError(description: "closed inside a body") }
      }
      let take = min(left, buffer.count)
      consume(buffer[0..<take])
      buffer.removeFirst(take)
      left -= take
    }
  }

  /// Whether the server closed the connection (end of stream or reset) with no further
  /// bytes, waiting up to the receive timeout.
  func isClosedByPeer() -> Bool {
    guard buffer.isEmpty else { return false }
    do {
      return try !fill()
    } catch {
      return false
    }
  }

  /// Whether bytes or the end of the stream are waiting to be read, without blocking.
  func hasInput() -> Bool {
    if !buffer.isEmpty { return true }
    var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, 0) > 0
  }

  /// Reads whatever arrives until the server closes; nil if it does not close in time.
  func readUntilClosed() -> [UInt8]? {
    do {
      while try fill() {}
      defer { buffer = [] }
      return buffer
    } catch {
      return nil
    }
  }
}

/// Deterministic content for large bodies: byte `i` is `pattern[i % pattern.count]`, with a
/// prime pattern length so a shifted or repeated block never matches by accident.
struct TestPattern {
  static let bytes: [UInt8] = (0..<65_521).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }

  private(set) var offset = 0
  private(set) var mismatches = 0

  /// Checks the next `chunk` of a stream against the pattern.
  mutating func verify(_ chunk: ArraySlice<UInt8>) {
    var index = chunk.startIndex
    while index < chunk.endIndex {
      let position = offset % Self.bytes.count
      let count = min(chunk.endIndex - index, Self.bytes.count - position)
      let equal = chunk[index..<index + count].withUnsafeBytes { received in
        Self.bytes[position..<position + count].withUnsafeBytes { expected in
          memcmp(received.baseAddress!, expected.baseAddress!, count) == 0
        }
      }
      if !equal { mismatches += 1 }
      index += count
      offset += count
    }
  }

  /// The first `count` bytes of the pattern.
  static func first(_ count: Int) -> [UInt8] {
    var result: [UInt8] = []
    while result.count < count {
      result += bytes.prefix(count - result.count)
    }
    return result
  }

  /// Writes `count` pattern bytes to a new temporary file and returns its path.
  static func makeFile(count: Int) throws -> String {
    var template = Array("/tmp/lakehttp-test-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw TestClientError(description: "mkstemp failed") }
    defer { close(fd) }
    var written = 0
    while written < count {
      let position = written % bytes.count
      let length = min(count - written, bytes.count - position)
      let result = bytes[position..<position + length].withUnsafeBytes {
        write(fd, $0.baseAddress, length)
      }
      guard result > 0 else { throw TestClientError(description: "write failed") }
      written += result
    }
    return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }
}
