import Foundation
import LakeS3

/// `dates`: every date form the server parses.
///
/// The whole input is parsed as an `x-amz-date` (`S3Date.parseAmzDate`) and as an HTTP date
/// (`S3Date.parseHTTPDate`: the `Date`, `If-Modified-Since` and `If-Unmodified-Since` fields,
/// all three RFC 9110 forms and ISO 8601). It is then sent, as a field value, in `x-amz-date`
/// and in `Date` of a header-signed request; and its first line as `X-Amz-Date`, its second as
/// `X-Amz-Expires`, of a presigned query. The verifier runs with a fixed key; "now" is the
/// parsed date itself when it is one a clock could show (so the later checks are reached),
/// otherwise the fixed date of the seeds.
///
/// Invariants: an amz date parses the same as an HTTP date; every parsed date lies in years
/// 0-9999 and formats (amz, HTTP, ISO 8601) and parses back to itself; the header verifier
/// refuses a date it cannot parse with AccessDenied and, given a parseable date and a matching
/// clock, gets as far as comparing signatures; a presigned query with an unparseable
/// `X-Amz-Date` gets AuthorizationQueryParametersError.
let datesTarget = FuzzTarget(
  name: "dates",
  summary: "S3Date amz/HTTP/ISO parsing and round trips; Date, x-amz-date, presigned dates",
  run: { data in
    let text = fuzzText(data)
    let amz = S3Date.parseAmzDate(text)
    let http = S3Date.parseHTTPDate(text)
    if let amz {
      fuzzCheck(http == amz, "parseHTTPDate \(String(describing: http)) != parseAmzDate \(amz)")
    }
    for date in [amz, http].compactMap({ $0 }) {
      // Parsed dates lie in years 0-9999 (23:59:60 of 9999-12-31 one second past).
      fuzzCheck(
        date.timeIntervalSince1970 >= -62_167_219_200
          && date.timeIntervalSince1970 <= 253_402_300_800, "date \(date) outside years 0-9999")
      if date.timeIntervalSince1970 < 253_402_300_800 { checkDateRoundTrips(date) }
    }

    // Signed with a header: the date in x-amz-date, then in Date.
    let fieldValue = fuzzFieldValue(data)
    let parsedField = S3Date.parseAmzDate(fieldValue) ?? S3Date.parseHTTPDate(fieldValue)
    for name in ["x-amz-date", "Date"] {
      checkHeaderDate(fieldValue, parsed: parsedField, headerName: name)
    }

    // Presigned: X-Amz-Date and X-Amz-Expires.
    let lines = fuzzLines(data)
    let dateText = fuzzText(lines[0])
    let expiresText = lines.count > 1 ? fuzzText(lines[1]) : "3600"
    checkPresignedDate(dateText, expiresText)
  })

func checkDateRoundTrips(_ date: Date) {
  fuzzCheck(date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970, "fraction")
  let forms = [
    ("amz", S3Date.amzDate(date), S3Date.parseAmzDate),
    ("http", S3Date.httpDate(date), S3Date.parseHTTPDate),
    ("iso8601", S3Date.iso8601(date), S3Date.parseHTTPDate),
    ("amz as http", S3Date.amzDate(date), S3Date.parseHTTPDate),
  ]
  for (name, formatted, parse) in forms {
    fuzzCheck(
      parse(formatted) == date,
      "\(name) \(formatted) parses to \(String(describing: parse(formatted))), not \(date)")
  }
}

func checkHeaderDate(_ value: String, parsed: Date?, headerName: String) {
  let now = parsed.flatMap { FuzzKeys.isRealistic($0) ? $0 : nil } ?? FuzzKeys.now
  let scopeDate = S3Date.scopeDate(now)
  let authorization =
    "AWS4-HMAC-SHA256 Credential=\(FuzzKeys.accessKey)/\(scopeDate)/us-east-1/s3/aws4_request, "
    + "SignedHeaders=host;\(headerName.lowercased());x-amz-content-sha256, "
    + "Signature=\(String(repeating: "0", count: 64))"
  let request = SigV4RequestView(
    method: "GET", rawPath: "/bucket/key", rawQuery: nil,
    headers: [
      ("Host", "localhost:9000"), (headerName, value),
      ("x-amz-content-sha256", SigV4.unsignedPayload), ("Authorization", authorization),
    ])
  let result = fuzzVerify(request, now: now)
  guard case .failure(let error) = result else {
    fuzzCheck(false, "an all-zero signature was accepted")
    return
  }
  if parsed == nil {
    fuzzCheck(error.code == .accessDenied, "unparseable \(headerName) answered \(error)")
  } else if now == parsed {
    fuzzCheck(
      error.code == .signatureDoesNotMatch, "parseable \(headerName) \(value) answered \(error)")
  }
}

func checkPresignedDate(_ dateText: String, _ expiresText: String) {
  let parsed = S3Date.parseAmzDate(dateText)
  let expires = Int(expiresText) ?? 0
  var clocks = [FuzzKeys.now]
  if let parsed, FuzzKeys.isRealistic(parsed) {
    clocks += [parsed, parsed + 1000, parsed - 1000]
    if (1...604_800).contains(expires) { clocks.append(parsed + TimeInterval(expires) + 1) }
  }
  let query = [
    ("X-Amz-Algorithm", SigV4.algorithm),
    (
      "X-Amz-Credential",
      "\(FuzzKeys.accessKey)/\(String(dateText.prefix(8)))/us-east-1/s3/aws4_request"
    ),
    ("X-Amz-Date", dateText), ("X-Amz-Expires", expiresText), ("X-Amz-SignedHeaders", "host"),
    ("X-Amz-Signature", String(repeating: "0", count: 64)),
  ].map {
    URIEncoding.encode($0.0, keepSlash: false) + "=" + URIEncoding.encode($0.1, keepSlash: false)
  }.joined(separator: "&")
  let request = SigV4RequestView(
    method: "GET", rawPath: "/bucket/key", rawQuery: query, headers: [("Host", "localhost")])
  for now in clocks {
    let result = fuzzVerify(request, now: now)
    guard case .failure(let error) = result else {
      fuzzCheck(false, "an all-zero presigned signature was accepted")
      return
    }
    if parsed == nil {
      fuzzCheck(
        error.code == .authorizationQueryParametersError,
        "unparseable X-Amz-Date \(dateText) answered \(error)")
    }
  }
}
