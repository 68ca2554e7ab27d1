import XCTest

@testable import LakeCore

final class BucketNameTests: XCTestCase {
  func testValidNames() {
    for name in [
      "abc", "my-bucket", "my.bucket.name", "a1b2c3", "123", String(repeating: "a", count: 63),
      "data-2024.archive", "1.2.3", "1.2.3.4.5", "xn-abc", "sthree", "bucket-s3alias-x",
    ] {
      XCTAssertNoThrow(try LakeStore.validateBucketName(name), name)
    }
  }

  func testInvalidNames() {
    let cases: [(String, String)] = [
      ("ab", "too short"),
      (String(repeating: "a", count: 64), "too long"),
      ("", "empty"),
      ("MyBucket", "uppercase"),
      ("my_bucket", "underscore"),
      ("my bucket", "space"),
      ("bücket", "non-ASCII"),
      (".bucket", "starts with a period"),
      ("-bucket", "starts with a hyphen"),
      ("bucket-", "ends with a hyphen"),
      ("bucket.", "ends with a period"),
      ("my..bucket", "two adjacent periods"),
      ("192.168.5.4", "IPv4 address"),
      ("10.0.0.1", "IPv4 address"),
      ("xn--bucket", "xn-- prefix"),
      ("sthree-bucket", "sthree- prefix"),
      ("amzn-s3-demo-bucket", "amzn-s3-demo- prefix"),
      ("bucket-s3alias", "-s3alias suffix"),
      ("bucket--ol-s3", "--ol-s3 suffix"),
      ("bucket.mrap", ".mrap suffix"),
      ("bucket--x-s3", "--x-s3 suffix"),
      ("bucket--table-s3", "--table-s3 suffix"),
      (".lakestore", "the metadata directory"),
      ("a/b", "slash"),
    ]
    for (name, why) in cases {
      XCTAssertThrowsError(try LakeStore.validateBucketName(name), why) { error in
        guard case LakeError.invalidBucketName = error else {
          return XCTFail("\(why): unexpected \(error)")
        }
      }
    }
  }

  func testCreateBucketRejectsInvalidNames() throws {
    let (store, directory) = try makeStore()
    XCTAssertThrowsError(try store.createBucket("Bad_Name"))
    XCTAssertFalse(fileExists(directory.url("Bad_Name")))
  }
}
