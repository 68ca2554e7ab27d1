import XCTest

@testable import LakeServer

final class ConfigurationLoaderTests: XCTestCase {
  func testPrecedenceFlagsOverEnvironmentOverFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("lakestore.toml").path
    try """
    # comment
    data = "/from/file"
    address = "127.0.0.1:7000"   # trailing comment
    region = "eu-west-1"
    max_connections = 10
    """.write(toFile: file, atomically: true, encoding: .utf8)
    let configuration = try ConfigurationLoader.load(
      configFile: file,
      environment: ["LAKESTORE_ADDRESS": "127.0.0.1:8000", "LAKESTORE_MAX_CONNECTIONS": "20"],
      flags: ["max_connections": "30"])
    XCTAssertEqual(configuration.dataDirectory, "/from/file")
    XCTAssertEqual(configuration.port, 8000)
    XCTAssertEqual(configuration.http.port, 8000)
    XCTAssertEqual(configuration.region, "eu-west-1")
    XCTAssertEqual(configuration.http.maxConnections, 30)
  }

  func testDefaults() throws {
    let c = try ConfigurationLoader.load(configFile: nil, environment: [:], flags: [:])
    XCTAssertEqual(c.dataDirectory, "./lakestore-data")
    XCTAssertEqual(c.host, "127.0.0.1")
    XCTAssertEqual(c.port, 9000)
    XCTAssertEqual(c.anonymousAccess, .none)
    XCTAssertEqual(c.maxObjectSize, 5 << 30)
  }

  func testValuesParse() throws {
    let c = try ConfigurationLoader.load(
      configFile: nil, environment: [:],
      flags: [
        "max_object_size": "64M", "header_timeout": "500ms", "idle_timeout": "2",
        "address": "[::1]:0", "anonymous": "read",
      ])
    XCTAssertEqual(c.maxObjectSize, 64 << 20)
    XCTAssertEqual(c.http.headerReadTimeout, .milliseconds(500))
    XCTAssertEqual(c.http.idleTimeout, .seconds(2))
    XCTAssertEqual(c.host, "::1")
    XCTAssertEqual(c.port, 0)
    XCTAssertEqual(c.anonymousAccess, .read)
  }

  /// Operator input that once trapped at start-up (`--idle-timeout inf`) or would exhaust the
  /// machine is refused with one error naming the setting (issue 11).
  func testOutOfRangeValuesAreRefusedNotTrapped() {
    let durations = [
      "header_timeout", "idle_timeout", "body_timeout", "shutdown_grace",
      "max_clock_skew",
    ]
    let badDurations = [
      "inf", "-inf", "nan", "infinity", "-1", "0", "0ms", "1e400", "1e3",
      "0x10", "99999999999999999999", "9223372036854775807ms", "2592001", "+5", "", "s", "ms",
    ]
    for key in durations {
      for value in badDurations {
        XCTAssertThrowsError(
          try ConfigurationLoader.load(configFile: nil, environment: [:], flags: [key: value]),
          "\(key)=\(value)"
        ) { error in XCTAssertTrue("\(error)".contains("--"), "\(error)") }
      }
    }
    let tooLarge: [(String, String)] = [
      ("workers", "4097"), ("workers", "99999999999999999999"), ("event_loops", "257"),
      ("max_connections", "1000001"), ("max_header_count", "10001"),
      ("max_request_line_bytes", "2M"), ("max_header_bytes", "9999999T"),
      ("max_object_size", "99999999999T"), ("max_object_size", "-1"),
      ("cache_entries", "10000001"), ("cache_open_files", "-1"), ("max_key_bytes", "0"),
      ("address", "127.0.0.1:99999999999999999999"), ("address", "127.0.0.1:-1"),
    ]
    for (key, value) in tooLarge {
      XCTAssertThrowsError(
        try ConfigurationLoader.load(configFile: nil, environment: [:], flags: [key: value]),
        "\(key)=\(value)")
    }
    let c = try? ConfigurationLoader.load(
      configFile: nil, environment: [:],
      flags: ["idle_timeout": "2592000", "body_timeout": "1.5", "workers": "4096"])
    XCTAssertEqual(c?.http.idleTimeout, .seconds(2_592_000))
    XCTAssertEqual(c?.http.bodyStallTimeout, .milliseconds(1500))
  }

  func testErrorsNameTheirSource() {
    XCTAssertThrowsError(
      try ConfigurationLoader.load(
        configFile: nil, environment: ["LAKESTORE_WORKERS": "zero"], flags: [:])
    ) { error in
      XCTAssertTrue("\(error)".contains("LAKESTORE_WORKERS"), "\(error)")
    }
    XCTAssertThrowsError(
      try ConfigurationLoader.load(configFile: nil, environment: [:], flags: ["address": "9000"])
    ) { error in
      XCTAssertTrue("\(error)".contains("--address"), "\(error)")
    }
    XCTAssertThrowsError(try ConfigFile.parse("[table]\n", name: "f"))
    XCTAssertThrowsError(try ConfigFile.parse("a = 1\na = 2\n", name: "f"))
    XCTAssertThrowsError(try ConfigFile.parse("a = \"open\n", name: "f"))
  }

  func testEveryFlagHasAUniqueKeyAndEnvironmentVariable() {
    let keys = ConfigurationLoader.settings.map(\.key)
    XCTAssertEqual(Set(keys).count, keys.count)
    XCTAssertTrue(keys.contains("data") && keys.contains("address"))
    XCTAssertEqual(
      ConfigurationLoader.settings.first { $0.key == "access_key" }?.environmentVariable,
      "LAKESTORE_ACCESS_KEY")
  }
}
