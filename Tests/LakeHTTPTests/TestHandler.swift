import Glibc
import LakeHTTP
import Logging
import Synchronization
import XCTest

/// A handler whose behaviour the request path picks:
/// - `/count`: reads the body with a 1 MiB buffer; answers `bytes reads pattern-mismatches`
///   and on a body error answers 408/400/413 with `X-Body-Error`.
/// - `/echo`: answers the whole body (`readAll`), `X-Chunked` tells the framing.
/// - `/ignore`: answers 200 without reading the body; `/reject`: 403 without reading.
/// - `/sleep`: sleeps `ms` (query) milliseconds, then answers 200.
/// - `/file`: answers `filePath` as a `.file` body; query `offset=&count=` picks a range.
/// - `/close`: answers with `Connection: close`.
/// - `/quick...`: answered on the event loop when the request has no body (header
///   `X-Answered: loop`), else by a worker (`X-Answered: worker`); `/quick/file` and
///   `/quick/close` behave as `/file` and `/close`, anything else answers method and target.
/// - `/stream`: takes the body through an ``HTTPBodySink`` (``HTTPBodyPlan/stream(_:)``),
///   answering like `/count`; `/buffer?limit=N`: receives it whole in memory first
///   (``HTTPBodyPlan/buffer(limit:)``), answering like `/echo`; `/refuse`: answers 403 without
///   reading it (``HTTPBodyPlan/respond(_:)``).
/// - anything else: answers the method and target as text.
final class TestHandler: HTTPHandler {
  let filePath: String?
  let started = Atomic<Int>(0)
  private let records = Mutex<[HTTPAccessRecord]>([])
  private let threads = Mutex<[String]>([])

  init(filePath: String? = nil) {
    self.filePath = filePath
  }

  var completed: [HTTPAccessRecord] { records.withLock { $0 } }

  /// The access records once there are at least `count` (they are reported after the
  /// response was written, so a client may see the response first), waiting up to 3 s.
  func completed(atLeast count: Int) -> [HTTPAccessRecord] {
    let deadline = ContinuousClock.now + .seconds(3)
    while completed.count < count && ContinuousClock.now < deadline { usleep(2_000) }
    return completed
  }

  /// The names of the threads that reported each completed request, in order.
  var completionThreads: [String] { threads.withLock { $0 } }

  func requestCompleted(_ record: HTTPAccessRecord) {
    var thread = "?"
    let fd = open("/proc/thread-self/comm", O_RDONLY | O_CLOEXEC)
    if fd >= 0 {
      var name = [UInt8](repeating: 0, count: 32)
      let count = read(fd, &name, name.count)
      close(fd)
      if count > 0 { thread = String(decoding: name[..<count], as: UTF8.self) }
    }
    threads.withLock { $0.append(thread) }
    records.withLock { $0.append(record) }
  }

  func handleWithoutBlocking(_ head: HTTPRequestHead, context: HTTPRequestContext)
    -> HTTPResponse?
  {
    guard head.path.hasPrefix("/quick") else { return nil }
    return quick(head, answeredBy: "loop")
  }

  private func quick(_ head: HTTPRequestHead, answeredBy: String) -> HTTPResponse {
    var response: HTTPResponse
    switch head.path {
    case "/quick/file": response = file(parameters(head.query))
    case "/quick/close":
      response = HTTPResponse(status: 200, headers: ["Connection": "close"], body: .bytes([0x41]))
    default:
      response = HTTPResponse(
        status: 200, body: .bytes(Array("\(head.method) \(head.target)".utf8)))
    }
    response.head.headers.add(name: "X-Answered", value: answeredBy)
    return response
  }

  func planBody(_ head: HTTPRequestHead, body: HTTPRequestBody, context: HTTPRequestContext)
    -> HTTPBodyPlan
  {
    switch head.path {
    case "/stream": return .stream(CountingSink())
    case "/buffer":
      return .buffer(limit: parameters(head.query)["limit"].flatMap(Int.init) ?? 1 << 20)
    case "/refuse": return .respond(HTTPResponse(status: 403, body: .bytes(Array("no".utf8))))
    default: return .direct
    }
  }

  func handle(_ head: HTTPRequestHead, body: HTTPRequestBody, context: HTTPRequestContext)
    -> HTTPResponse
  {
    started.add(1, ordering: .sequentiallyConsistent)
    let query = parameters(head.query)
    if head.path.hasPrefix("/quick") { return quick(head, answeredBy: "worker") }
    switch head.path {
    case "/count": return count(body)
    case "/echo", "/buffer":
      do {
        let bytes = try body.readAll(limit: 1 << 20)
        return HTTPResponse(
          status: 200, headers: ["X-Chunked": "\(body.isChunked)"], body: .bytes(bytes))
      } catch {
        return HTTPResponse(status: 400, headers: ["X-Body-Error": "\(error)"])
      }
    case "/ignore": return HTTPResponse(status: 200, body: .bytes(Array("ignored".utf8)))
    case "/reject": return HTTPResponse(status: 403, body: .bytes(Array("no".utf8)))
    case "/sleep":
      usleep(UInt32(query["ms"].flatMap(Int.init) ?? 100) * 1000)
      return HTTPResponse(status: 200, body: .bytes(Array("slept".utf8)))
    case "/file": return file(query)
    case "/close":
      return HTTPResponse(status: 200, headers: ["Connection": "close"], body: .bytes([0x41]))
    default:
      return HTTPResponse(
        status: 200, headers: ["Content-Type": "text/plain"],
        body: .bytes(Array("\(head.method) \(head.target)".utf8)))
    }
  }

  private func count(_ body: HTTPRequestBody) -> HTTPResponse {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    var total = 0
    var reads = 0
    var pattern = TestPattern()
    do {
      while true {
        let count = try body.read(into: buffer)
        if count == 0 { break }
        total += count
        reads += 1
        pattern.verify(ArraySlice(UnsafeRawBufferPointer(rebasing: buffer[0..<count])))
      }
    } catch {
      let status = error == .timeout ? 408 : error == .tooLarge ? 413 : 400
      return HTTPResponse(status: status, headers: ["X-Body-Error": "\(error)"])
    }
    return HTTPResponse(
      status: 200, body: .bytes(Array("\(total) \(reads) \(pattern.mismatches)".utf8)))
  }

  /// One descriptor of `filePath` that `/file?lent=1` responses borrow (``HTTPFileRegion/owner``)
  /// instead of handing over.
  let lentFile = Mutex<LentFile?>(nil)

  private func file(_ query: [String: String]) -> HTTPResponse {
    guard let filePath else { return HTTPResponse(status: 404) }
    if query["lent"] != nil {
      let lent = lentFile.withLock { lent in
        if lent == nil { lent = LentFile(open(filePath, O_RDONLY | O_CLOEXEC)) }
        return lent!
      }
      var info = stat()
      fstat(lent.descriptor, &info)
      let offset = query["offset"].flatMap(Int64.init) ?? 0
      let count = query["count"].flatMap(Int64.init) ?? (Int64(info.st_size) - offset)
      return HTTPResponse(
        status: 200,
        body: .file(
          HTTPFileRegion(descriptor: lent.descriptor, offset: offset, count: count, owner: lent)))
    }
    let fd = open(filePath, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return HTTPResponse(status: 500) }
    var info = stat()
    fstat(fd, &info)
    let offset = query["offset"].flatMap(Int64.init) ?? 0
    let count = query["count"].flatMap(Int64.init) ?? (Int64(info.st_size) - offset)
    return HTTPResponse(
      status: 200, body: .file(HTTPFileRegion(descriptor: fd, offset: offset, count: count)))
  }

  private func parameters(_ query: String?) -> [String: String] {
    var result: [String: String] = [:]
    for pair in (query ?? "").split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1)
      result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
    }
    return result
  }
}

/// A descriptor closed only when the last reference goes, as the object cache's files are.
final class LentFile: Sendable {
  let descriptor: Int32
  init(_ descriptor: Int32) { self.descriptor = descriptor }
  deinit { close(descriptor) }

  /// Whether the descriptor is still open.
  var isOpen: Bool { fcntl(descriptor, F_GETFD) >= 0 }
}

/// A running server on an ephemeral port, shut down by `stop()`.
struct TestServer {
  let server: HTTPServer
  let port: Int
  let handler: TestHandler

  init(
    handler: TestHandler = TestHandler(),
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }
  )
    throws
  {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.eventLoopCount = 2
    configuration.workerCount = 4
    configure(&configuration)
    self.handler = handler
    server = HTTPServer(
      configuration: configuration, handler: handler,
      logger: Logger(label: "LakeHTTPTests") { _ in SwiftLogNoOpLogHandler() })
    port = try server.start()
  }

  func client() throws -> TestClient { try TestClient(port: port) }

  func stop() { server.shutdown() }
}

/// Counts and checks a streamed body like `/count`; records the threads it ran on.
final class CountingSink: HTTPBodySink {
  private var total = 0
  private var calls = 0
  private var pattern = TestPattern()

  func consume(_ bytes: UnsafeRawBufferPointer) -> Bool {
    total += bytes.count
    calls += 1
    pattern.verify(ArraySlice(bytes))
    return true
  }

  func finish(_ error: HTTPBodyError?) -> HTTPResponse {
    if let error {
      let status = error == .timeout ? 408 : error == .tooLarge ? 413 : 400
      return HTTPResponse(status: status, headers: ["X-Body-Error": "\(error)"])
    }
    return HTTPResponse(
      status: 200, body: .bytes(Array("\(total) \(calls) \(pattern.mismatches)".utf8)))
  }
}
