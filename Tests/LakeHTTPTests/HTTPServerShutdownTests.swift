import Glibc
import XCTest

@testable import LakeHTTP

final class HTTPServerShutdownTests: XCTestCase {
  func testShutdownFinishesInFlightRequestsThenReturns() throws {
    let server = try TestServer { $0.shutdownGracePeriod = .seconds(10) }
    let idle = try server.client()
    let busy = try server.client()
    try busy.send("GET /sleep?ms=500 HTTP/1.1\r\nHost: t\r\n\r\n")
    while server.handler.started.load(ordering: .sequentiallyConsistent) == 0 { usleep(5_000) }
    let start = ContinuousClock.now
    server.stop()
    let elapsed = ContinuousClock.now - start
    XCTAssertLessThan(elapsed, .seconds(5), "waited for the grace period instead of the request")
    let response = try busy.readResponse()
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.text, "slept")
    XCTAssertEqual(response.header("Connection"), "close")
    XCTAssertTrue(busy.isClosedByPeer())
    XCTAssertTrue(idle.isClosedByPeer())
    XCTAssertThrowsError(try TestClient(port: server.port), "still accepting")
  }

  func testShutdownClosesStuckBodyReadsAfterTheGracePeriod() throws {
    let server = try TestServer { $0.shutdownGracePeriod = .milliseconds(200) }
    let client = try server.client()
    try client.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\nabc")
    while server.handler.started.load(ordering: .sequentiallyConsistent) == 0 { usleep(5_000) }
    let start = ContinuousClock.now
    server.stop()
    XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
    XCTAssertEqual(
      server.handler.completed(atLeast: 1).first?.status, 400, "the read failed as closed")
  }

  func testShutdownBeforeStartDoesNothing() {
    let server = HTTPServer(
      configuration: HTTPServerConfiguration(), handler: TestHandler(), logger: .init(label: "t"))
    server.shutdown()
    XCTAssertThrowsError(try server.start(), "a stopped server does not start again")
  }
}
