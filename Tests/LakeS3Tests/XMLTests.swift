import XCTest

@testable import LakeS3

final class XMLTests: XCTestCase {
  func testErrorDocumentIsEscaped() {
    let xml = S3Error(.noSuchKey, resource: "/b/<a&b>").xml(requestID: "r1")
    XCTAssertTrue(xml.contains("<Code>NoSuchKey</Code>"))
    XCTAssertTrue(xml.contains("<Resource>/b/&lt;a&amp;b&gt;</Resource>"))
    XCTAssertTrue(xml.contains("<RequestId>r1</RequestId>"))
  }

  func testReaderParsesCreateBucketConfiguration() throws {
    let body = """
      <?xml version="1.0" encoding="UTF-8"?>
      <!-- comment -->
      <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <LocationConstraint>eu-west-1</LocationConstraint>
        <s3:Note xmlns:s3="x">a &amp; b &#x263A; <![CDATA[<raw>]]></s3:Note>
      </CreateBucketConfiguration>
      """
    let root = try XMLReader.parse(Array(body.utf8))
    XCTAssertEqual(root.name, "CreateBucketConfiguration")
    XCTAssertEqual(root.child("LocationConstraint")?.text, "eu-west-1")
    XCTAssertEqual(root.child("Note")?.text, "a & b ☺ <raw>")
  }

  func testReaderRefusesMalformedAndDTDs() {
    for bad in [
      "", "<a>", "<a></b>", "<a/><b/>", "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
      "<a>&bogus;</a>",
      String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40),
    ] {
      XCTAssertThrowsError(try XMLReader.parse(Array(bad.utf8)), bad)
    }
  }
}
