import Foundation
import LakeClient
import XCTest

final class LakeClientConfigurationTests: XCTestCase {
  private func profileFile(_ text: String) throws -> String {
    let path = NSTemporaryDirectory() + "lakeclient-profile-" + UUID().uuidString
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
  }

  func testLakestoreVariablesWinOverAWSOnesAndTheProfile() throws {
    let path = try profileFile(
      """
      [default]
      endpoint = "http://profile:1"
      access_key = "PROFILEKEY"
      secret_key = "profile-secret"
      region = "eu-central-1"
      """)
    let all = try LakeClientConfiguration.resolve(
      environment: [
        "LAKESTORE_ENDPOINT": "http://lake:9000", "AWS_ENDPOINT_URL": "http://aws:1",
        "LAKESTORE_ACCESS_KEY": "LAKEKEY", "LAKESTORE_SECRET_KEY": "lake-secret",
        "AWS_ACCESS_KEY_ID": "AWSKEY", "AWS_SECRET_ACCESS_KEY": "aws-secret",
        "AWS_REGION": "us-west-2",
      ], profilePath: path)
    XCTAssertEqual(all.endpoint.absoluteString, "http://lake:9000")
    XCTAssertEqual(all.credentials, .init(accessKey: "LAKEKEY", secretKey: "lake-secret"))
    XCTAssertEqual(all.region, "us-west-2")

    let aws = try LakeClientConfiguration.resolve(
      environment: [
        "AWS_ENDPOINT_URL": "http://aws:1", "AWS_ACCESS_KEY_ID": "AWSKEY",
        "AWS_SECRET_ACCESS_KEY": "aws-secret",
      ], profilePath: path)
    XCTAssertEqual(aws.endpoint.absoluteString, "http://aws:1")
    XCTAssertEqual(aws.credentials?.accessKey, "AWSKEY")
    XCTAssertEqual(aws.region, "eu-central-1")

    let profile = try LakeClientConfiguration.resolve(environment: [:], profilePath: path)
    XCTAssertEqual(profile.endpoint.absoluteString, "http://profile:1")
    XCTAssertEqual(profile.credentials?.secretKey, "profile-secret")
  }

  func testDefaultsWithNothingConfigured() throws {
    let none = try LakeClientConfiguration.resolve(
      environment: [:], profilePath: "/nonexistent/lakestore/config")
    XCTAssertEqual(none.endpoint, LakeClientConfiguration.defaultEndpoint)
    XCTAssertNil(none.credentials)
    XCTAssertEqual(none.region, "us-east-1")
    XCTAssertEqual(none.addressing, .path)
  }

  func testNamedProfileAndItsAddressing() throws {
    let path = try profileFile(
      """
      [default]
      endpoint = "http://one:1"
      [other]
      endpoint = "http://two:2"
      addressing = "virtual"
      """)
    let other = try LakeClientConfiguration.resolve(
      environment: ["LAKESTORE_PROFILE": "other"], profilePath: path)
    XCTAssertEqual(other.endpoint.absoluteString, "http://two:2")
    XCTAssertEqual(other.addressing, .virtualHost)
  }

  func testHalfACredentialAndBadEndpointsAreConfigurationErrors() throws {
    XCTAssertThrowsError(
      try LakeClientConfiguration.resolve(
        environment: ["LAKESTORE_ACCESS_KEY": "ONLYKEY"], profilePath: "/nonexistent")
    ) { error in
      XCTAssertEqual((error as? LakeClientError)?.code, "IncompleteCredentials")
    }
    for bad in ["127.0.0.1:9000", "ftp://host", "http://", "http://host:", "http://h/?q=1"] {
      XCTAssertThrowsError(
        try LakeClientConfiguration.resolve(
          environment: ["LAKESTORE_ENDPOINT": bad], profilePath: "/nonexistent"), bad
      ) { error in
        XCTAssertEqual((error as? LakeClientError)?.code, "InvalidEndpoint", bad)
      }
    }
    let broken = try profileFile("[default]\nendpoint = \"open\n")
    XCTAssertThrowsError(try LakeClientConfiguration.resolve(environment: [:], profilePath: broken))
    { error in
      XCTAssertEqual((error as? LakeClientError)?.code, "InvalidProfile")
      XCTAssertTrue("\(error)".contains(":2: unterminated string"), "\(error)")
    }
  }
}
