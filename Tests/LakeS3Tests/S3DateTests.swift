import Foundation
import XCTest

@testable import LakeS3

final class S3DateTests: XCTestCase {
  func testFormatsAndParses() throws {
    let date = try XCTUnwrap(S3Date.parseAmzDate("20130524T013005Z"))
    XCTAssertEqual(S3Date.httpDate(date), "Fri, 24 May 2013 01:30:05 GMT")
    XCTAssertEqual(S3Date.iso8601(date + 0.25), "2013-05-24T01:30:05.250Z")
    XCTAssertEqual(S3Date.amzDate(date), "20130524T013005Z")
    XCTAssertEqual(S3Date.parseHTTPDate("Fri, 24 May 2013 01:30:05 GMT"), date)
    XCTAssertEqual(S3Date.parseHTTPDate("Friday, 24-May-13 01:30:05 GMT"), date)
    XCTAssertEqual(S3Date.parseHTTPDate("Fri May 24 01:30:05 2013"), date)
    XCTAssertEqual(S3Date.parseHTTPDate("2013-05-24T01:30:05.000Z"), date)
    XCTAssertNil(S3Date.parseHTTPDate("yesterday"))
    XCTAssertNil(S3Date.parseAmzDate("20131324T013005Z"))
  }

  /// Years a client may put in any date field (issue 11): four-digit years parse, anything
  /// longer is refused, and nothing traps.
  func testOutOfRangeYearsInEveryForm() throws {
    let years = [
      "0", "0000", "1969", "10000", "2147483648", "9223372036854775808",
      "99999999999999999999", "-1", "+1994",
    ]
    for year in years {
      let forms = [
        "Sun, 06 Nov \(year) 08:49:37 GMT",
        "Sunday, 06-Nov-\(year) 08:49:37 GMT",
        "Sun Nov  6 08:49:37 \(year)",
        "\(year)-11-06T08:49:37Z",
        "\(year)1106T084937Z",
      ]
      for form in forms {
        let parsed = S3Date.parseHTTPDate(form)
        if year.count == 4 && year.allSatisfy(\.isNumber) {
          let date = try XCTUnwrap(parsed, form)
          XCTAssertEqual(S3Date.amzDate(date), "\(year)1106T084937Z", form)
        } else {
          XCTAssertNil(parsed, form)
        }
        XCTAssertNil(S3Date.parseAmzDate(form.count == 16 ? form + "x" : form))
      }
    }
    XCTAssertEqual(
      S3Date.parseHTTPDate("Wed, 31 Dec 1969 23:59:59 GMT")?.timeIntervalSince1970, -1)
    XCTAssertEqual(
      S3Date.parseHTTPDate("Sat, 01 Jan 0000 00:00:00 GMT")?.timeIntervalSince1970,
      -62_167_219_200)
    XCTAssertEqual(
      S3Date.parseHTTPDate("Fri, 31 Dec 9999 23:59:59 GMT")?.timeIntervalSince1970,
      253_402_300_799)
  }

  func testImpossibleCalendarFieldsAreRefused() {
    for text in [
      "20230230T000000Z", "20230229T000000Z", "20231301T000000Z", "20230100T000000Z",
      "20230101T240000Z", "20230101T006000Z", "20230101T000061Z", "2023010AT000000Z",
      "Sun, 31 Apr 2023 00:00:00 GMT", "Sun, 06 Nov 1994 8:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37:00 GMT",
      "Sun, -6 Nov 1994 08:49:37 GMT", "Sun, +6 Nov 1994 08:49:37 GMT", "", " ", ",,,,,",
      "Sun, 06 Foo 1994 08:49:37 GMT", String(repeating: "9", count: 100),
    ] {
      XCTAssertNil(S3Date.parseHTTPDate(text), text)
      XCTAssertNil(S3Date.parseAmzDate(text), text)
    }
    XCTAssertNotNil(S3Date.parseAmzDate("20240229T000000Z"))
    XCTAssertNotNil(S3Date.parseHTTPDate("Thu, 29 Feb 2024 00:00:00 GMT"))
  }

  /// Formatting clamps to the four-digit years instead of trapping on dates no client sends.
  func testFormattingExtremeDatesDoesNotTrap() {
    let extremes = [
      Date.distantFuture, Date.distantPast, Date(timeIntervalSince1970: .infinity),
      Date(timeIntervalSince1970: -.infinity), Date(timeIntervalSince1970: .nan),
      Date(timeIntervalSince1970: 1e300), Date(timeIntervalSince1970: -1e300),
    ]
    for date in extremes {
      XCTAssertEqual(S3Date.amzDate(date).count, 16)
      XCTAssertEqual(S3Date.iso8601(date).count, 24)
      XCTAssertEqual(S3Date.httpDate(date).count, 29)
    }
    XCTAssertEqual(S3Date.amzDate(Date(timeIntervalSince1970: 1e300)), "99991231T235959Z")
    XCTAssertEqual(S3Date.amzDate(Date(timeIntervalSince1970: -.infinity)), "00000101T000000Z")
  }

  /// The catalog keeps whole milliseconds and hands out `Date(ms / 1000)`, which for about
  /// half of all values lies just below the millisecond: truncating printed `.000` for
  /// `.001`. Documents show the millisecond the catalog holds, and parse back to it.
  func testISO8601ShowsTheCatalogMillisecondAndParsesBack() throws {
    let base: Int64 = 1_700_000_000_000
    for ms in stride(from: base, to: base + 5_000, by: 1) {
      let date = Date(timeIntervalSince1970: Double(ms) / 1000)
      let text = S3Date.iso8601(date)
      XCTAssertTrue(text.hasSuffix(String(format: ".%03dZ", Int(ms % 1000))), text)
      XCTAssertEqual(S3Date.parseISO8601(text), date, text)
    }
    XCTAssertEqual(S3Date.iso8601(Date(timeIntervalSince1970: 1.9996)), "1970-01-01T00:00:02.000Z")
    XCTAssertEqual(S3Date.iso8601(Date(timeIntervalSince1970: -0.001)), "1969-12-31T23:59:59.999Z")
    XCTAssertEqual(
      S3Date.iso8601(Date(timeIntervalSince1970: 1e300)), "9999-12-31T23:59:59.999Z")
  }

  func testParseISO8601() throws {
    let date = try XCTUnwrap(S3Date.parseAmzDate("20091012T175030Z"))
    XCTAssertEqual(S3Date.parseISO8601("2009-10-12T17:50:30Z"), date)
    XCTAssertEqual(S3Date.parseISO8601("2009-10-12T17:50:30.000Z"), date)
    XCTAssertEqual(S3Date.parseISO8601("2009-10-12T17:50:30.5Z"), date + 0.5)
    let millis = date.timeIntervalSince1970 * 1000 + 123
    XCTAssertEqual(
      S3Date.parseISO8601("2009-10-12T17:50:30.123456789Z"),
      Date(timeIntervalSince1970: millis / 1000))
    XCTAssertEqual(S3Date.parseISO8601("2009-10-12T17:50:30.9999Z"), date + 1)
    XCTAssertEqual(S3Date.parseISO8601("2009-10-12T17:50:30+00:00"), date)
    XCTAssertEqual(S3Date.parseISO8601("2009-10-12T19:50:30.000+02:00"), date)
    XCTAssertEqual(S3Date.parseISO8601("2009-10-12T12:20:30-05:30"), date)
    XCTAssertEqual(
      S3Date.parseISO8601("2016-12-31T23:59:60Z"), S3Date.parseISO8601("2017-01-01T00:00:00Z"))
    XCTAssertNil(S3Date.parseISO8601("9999-12-31T23:59:60Z"))  // past what iso8601 can show
    for bad in [
      "", "2009-10-12", "2009-10-12T17:50:30", "2009-10-12T17:50:30.Z", "2009-13-12T17:50:30Z",
      "2009-10-12T17:50:30,000Z", "2009-10-12T17:50:30.0000000000Z", "+009-10-12T17:50:30Z",
      "2009-02-30T17:50:30.000Z", "2009-10-12 17:50:30.000Z", "2009-10-12T17:50:30.00aZ",
      "2009-10-12T17:50:30+0000", "2009-10-12T17:50:30+24:00", "2009-10-12T17:50:30Z+00:00",
      "0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01", "2009-10-12T17:50:30.+01:00",
    ] {
      XCTAssertNil(S3Date.parseISO8601(bad), bad)
    }
  }

  func testURIEncoding() {
    XCTAssertEqual(URIEncoding.encode("a b/c~d=é", keepSlash: true), "a%20b/c~d%3D%C3%A9")
    XCTAssertEqual(URIEncoding.encode("a/b", keepSlash: false), "a%2Fb")
    XCTAssertEqual(URIEncoding.decode("a%2fb+c", plusIsSpace: false), "a/b+c")
    XCTAssertEqual(URIEncoding.decode("a+b", plusIsSpace: true), "a b")
    XCTAssertNil(URIEncoding.decode("%e9", plusIsSpace: false))
    XCTAssertNil(URIEncoding.decode("%g1", plusIsSpace: false))
  }
}
