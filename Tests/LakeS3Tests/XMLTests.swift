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

  /// Found by the `xml` fuzz target: a prefixed name with nothing after the colon parsed as an
  /// element named "".
  func testReaderRefusesEmptyLocalName() {
    for bad in ["<s3:/>", "<s3:></s3:>", "<a><b:/></a>"] {
      XCTAssertThrowsError(try XMLReader.parse(Array(bad.utf8)), bad)
    }
    XCTAssertEqual(try XMLReader.parse(Array("<s3:a/>".utf8)).name, "a")
  }

  /// Documents must be UTF-8 made of XML `Char`s (issue 11: a NUL or an overlong encoding in
  /// a CreateBucketConfiguration was accepted and echoed back).
  func testReaderRefusesInvalidUTF8AndControlCharacters() {
    let documents: [[UInt8]] = [
      Array("<a>x\u{0}y</a>".utf8), Array("<a>\u{1}</a>".utf8), Array("<a>\u{1B}</a>".utf8),
      Array("<a>".utf8) + [0xC0, 0xAF] + Array("</a>".utf8),
      Array("<a>".utf8) + [0xFF] + Array("</a>".utf8),
      Array("<a>".utf8) + [0xED, 0xA0, 0x80] + Array("</a>".utf8),
      Array("<a>&#0;</a>".utf8), Array("<a>&#x1;</a>".utf8), Array("<a>&#xFFFE;</a>".utf8),
      Array("<a>&#xD800;</a>".utf8), Array("<a>&#99999999999;</a>".utf8),
    ]
    for bytes in documents {
      XCTAssertThrowsError(try XMLReader.parse(bytes), "\(bytes)")
    }
    XCTAssertEqual(
      try XMLReader.parse(Array("<a>\tx\r\n&#x9;&#233;é</a>".utf8)).text, "\tx\r\n\téé")
  }

  /// Found by the `xml` fuzz target: `<:?/>` read as an element named "?", which no document
  /// can contain (written back it is a processing instruction). Names follow XML 1.0 §2.3.
  func testReaderRefusesMalformedNames() {
    let bad = ["<:?/>", "<a\"b/>", "<1a/>", "<-x/>", "<.x/>", "<a<b></a<b>", "<a=b/>", "<s3:1/>"]
    for bad in bad {
      XCTAssertThrowsError(try XMLReader.parse(Array(bad.utf8)), bad)
    }
    for good in ["<a.b-c_d1/>", "<s3:Key/>", "<_x/>", "<\u{E9}t\u{E9}/>"] {
      XCTAssertNoThrow(try XMLReader.parse(Array(good.utf8)), good)
    }
  }
}
