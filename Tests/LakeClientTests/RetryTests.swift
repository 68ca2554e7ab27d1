import Foundation
import LakeClient
import XCTest

/// Retries against a scripted HTTP server (Python's http.server): which answers are tried
/// again, how often, and which requests never are.
final class RetryTests: XCTestCase {
  /// Starts a server that answers the first `failures` requests with `status` and an S3
  /// `<Error>` with `code`, then 200; it appends each request's method to a log file.
  private func scriptedServer(failures: Int, status: Int, code: String) throws -> (
    URL, String, Process
  ) {
    let log = NSTemporaryDirectory() + "lakeclient-retry-" + UUID().uuidString
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let port = try ServerProcess.freePort()
    let script = """
      import http.server, sys
      seen = [0]
      class H(http.server.BaseHTTPRequestHandler):
          protocol_version = "HTTP/1.1"
          def answer(self):
              n = int(self.headers.get("Content-Length") or 0)
              if n: self.rfile.read(n)
              open(sys.argv[1], "a").write(self.command + "\\n")
              seen[0] += 1
              if seen[0] <= \(failures):
                  body = b"<Error><Code>\(code)</Code><Message>scripted</Message><RequestId>R</RequestId></Error>"
                  self.send_response(\(status))
              else:
                  body = b""
                  self.send_response(200)
                  self.send_header("ETag", '"abc"')
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)
          do_PUT = do_GET = do_POST = do_DELETE = answer
          def log_message(self, *a): pass
      http.server.ThreadingHTTPServer(("127.0.0.1", \(port)), H).serve_forever()
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, log]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(10)
    while !ServerProcess.canConnect(port: port), Date() < deadline { usleep(50_000) }
    addTeardownBlock {
      // SIGKILL: `swift test` runs tests with SIGTERM ignored, and children inherit that.
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      try? FileManager.default.removeItem(atPath: log)
    }
    return (URL(string: "http://127.0.0.1:\(port)")!, log, process)
  }

  private func client(_ endpoint: URL, attempts: Int) -> LakeClient {
    var configuration = LakeClientConfiguration(
      endpoint: endpoint, credentials: .init(accessKey: "AK", secretKey: "secret-key"))
    configuration.retry = RetryPolicy(maxAttempts: attempts, baseDelay: 0.01)
    return LakeClient(configuration: configuration)
  }

  private func requests(_ log: String) throws -> [String] {
    try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  func testSlowDownIsRetriedUntilItSucceeds() async throws {
    let (endpoint, log, _) = try scriptedServer(failures: 2, status: 503, code: "SlowDown")
    let result = try await client(endpoint, attempts: 4).putObject(
      bucket: "b", key: "k", data: Data("x".utf8))
    XCTAssertEqual(result.etag, "abc")
    XCTAssertEqual(try requests(log), ["PUT", "PUT", "PUT"])
  }

  func testAttemptsAreBoundedAndTheLastErrorIsThrown() async throws {
    let (endpoint, log, _) = try scriptedServer(failures: 10, status: 500, code: "InternalError")
    do {
      try await client(endpoint, attempts: 3).deleteObject(bucket: "b", key: "k")
      XCTFail("succeeded against a failing server")
    } catch {
      XCTAssertEqual(error.code, "InternalError")
      XCTAssertEqual(error.status, 500)
    }
    XCTAssertEqual(try requests(log).count, 3)
  }

  func testClientErrorsAndNonIdempotentRequestsAreNotRetried() async throws {
    let (endpoint, log, _) = try scriptedServer(failures: 10, status: 403, code: "AccessDenied")
    do {
      _ = try await client(endpoint, attempts: 4).getObject(bucket: "b", key: "k")
      XCTFail("succeeded against a refusing server")
    } catch {
      XCTAssertEqual(error.code, "AccessDenied")
    }
    XCTAssertEqual(try requests(log), ["GET"])

    let (endpoint2, log2, _) = try scriptedServer(failures: 10, status: 503, code: "SlowDown")
    do {
      _ = try await client(endpoint2, attempts: 4).createMultipartUpload(bucket: "b", key: "k")
      XCTFail("succeeded against a failing server")
    } catch {
      XCTAssertEqual(error.code, "SlowDown")
    }
    XCTAssertEqual(try requests(log2), ["POST"])
  }

  func testConnectionRefusedIsATransportErrorAfterRetries() async throws {
    let port = try ServerProcess.freePort()
    let started = Date()
    do {
      _ = try await client(URL(string: "http://127.0.0.1:\(port)")!, attempts: 3).headObject(
        bucket: "b", key: "k")
      XCTFail("reached a closed port")
    } catch {
      XCTAssertEqual(error.kind, .transport)
      XCTAssertEqual(error.code, "ConnectionFailed")
    }
    XCTAssertLessThan(Date().timeIntervalSince(started), 5)
  }
}
