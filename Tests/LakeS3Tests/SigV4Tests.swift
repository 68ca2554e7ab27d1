import Foundation
import XCTest

@testable import LakeS3

/// Signatures checked against the examples published in the Amazon S3 API reference
/// ("Signature Calculations for the Authorization Header" and "Query String Authentication"),
/// and against botocore's signer.
final class SigV4Tests: XCTestCase {
  let awsKey = "AKIAIOSFODNN7EXAMPLE"
  let awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  let awsDate = S3Date.parseAmzDate("20130524T000000Z")!

  func verifier(now: Date, key: String? = nil, secret: String? = nil) -> SigV4Verifier {
    let k = key ?? awsKey
    let s = secret ?? awsSecret
    return SigV4Verifier(region: "us-east-1") { $0 == k ? s : nil }
  }

  func testAWSExampleGetObjectSignature() throws {
    let headers: [(name: String, value: String)] = [
      ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
      ("x-amz-content-sha256", SigV4.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
    ]
    let canonical = SigV4.canonicalRequest(
      method: "GET", canonicalURI: SigV4.canonicalURI(rawPath: "/test.txt")!, canonicalQuery: "",
      headers: headers, signedHeaders: ["host", "range", "x-amz-content-sha256", "x-amz-date"],
      payloadHash: SigV4.emptyPayloadHash)
    let key = SigV4.signingKey(
      secret: awsSecret, date: "20130524", region: "us-east-1", service: "s3")
    let signature = SigV4.signature(
      signingKey: key,
      stringToSign: SigV4.stringToSign(
        amzDate: "20130524T000000Z", scope: "20130524/us-east-1/s3/aws4_request",
        canonicalRequest: canonical))
    XCTAssertEqual(signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
  }

  func testVerifierAcceptsAWSExampleAndRejectsTampering() throws {
    let auth =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    var request = SigV4RequestView(
      method: "GET", rawPath: "/test.txt", rawQuery: nil,
      headers: [
        ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
        ("x-amz-content-sha256", SigV4.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
        ("Authorization", auth),
      ])
    let result = try verifier(now: awsDate).verify(request, now: awsDate)
    XCTAssertEqual(result?.accessKey, awsKey)
    XCTAssertEqual(result?.payload, .sha256(Hex.decode(SigV4.emptyPayloadHash)!))

    request.headers[1] = ("Range", "bytes=0-10")
    XCTAssertThrowsError(try verifier(now: awsDate).verify(request, now: awsDate)) {
      XCTAssertEqual(($0 as? S3Error)?.code, .signatureDoesNotMatch)
    }
  }

  func testAWSExamplePresignedURL() throws {
    let signer = SigV4Signer(accessKey: awsKey, secretKey: awsSecret)
    let query = signer.presign(
      method: "GET", host: "examplebucket.s3.amazonaws.com", rawPath: "/test.txt",
      expires: 86400, date: awsDate)
    XCTAssertTrue(
      query.hasSuffix(
        "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"),
      query)
    let request = SigV4RequestView(
      method: "GET", rawPath: "/test.txt", rawQuery: query,
      headers: [("Host", "examplebucket.s3.amazonaws.com")])
    XCTAssertEqual(
      try verifier(now: awsDate).verify(request, now: awsDate + 3600)?.presigned, true)
    XCTAssertThrowsError(try verifier(now: awsDate).verify(request, now: awsDate + 86401)) {
      let error = $0 as? S3Error
      XCTAssertEqual(error?.code, .accessDenied)
      XCTAssertEqual(error?.message, "Request has expired")
    }
  }

  func testBotocoreSignedPutWithEncodedKeyAndMetadata() throws {
    let date = S3Date.parseAmzDate("20261125T080000Z")!
    let request = SigV4RequestView(
      method: "PUT", rawPath: "/data-lake/sales/year%3D2024/caf%C3%A9%20%2B%20tea.csv",
      rawQuery: "x-id=PutObject",
      headers: [
        ("Host", "127.0.0.1:9000"), ("Content-Type", "text/csv"),
        ("x-amz-meta-origin", "Ingest  Job"), ("X-Amz-Date", "20261125T080000Z"),
        (
          "X-Amz-Content-SHA256",
          "492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470"
        ),
        (
          "Authorization",
          "AWS4-HMAC-SHA256 Credential=LAKEEXAMPLEKEY/20261125/us-east-1/s3/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-origin, Signature=2ed1fabff546dfb125e1b84497bf8bc0640fa54e6c8e27e6513a50856aaee1b4"
        ),
      ])
    let v = verifier(now: date, key: "LAKEEXAMPLEKEY", secret: "lake/secret+EXAMPLE")
    XCTAssertEqual(try v.verify(request, now: date)?.accessKey, "LAKEEXAMPLEKEY")
  }

  func testBotocorePresignedGet() throws {
    let date = S3Date.parseAmzDate("20261125T080000Z")!
    let query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=LAKEEXAMPLEKEY%2F20261125%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261125T080000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=6269aef407e493a556c8f5942c85dc84c0f13c94a7236ca9ad7d45288b92c4ef"
    let request = SigV4RequestView(
      method: "GET", rawPath: "/data-lake/sales/file.csv", rawQuery: query,
      headers: [("Host", "127.0.0.1:9000")])
    let v = verifier(now: date, key: "LAKEEXAMPLEKEY", secret: "lake/secret+EXAMPLE")
    XCTAssertEqual(try v.verify(request, now: date + 10)?.presigned, true)
  }

  func testSignerRoundTripsThroughVerifier() throws {
    let signer = SigV4Signer(accessKey: "k", secretKey: "s")
    let now = Date()
    let headers = signer.sign(
      method: "GET", rawPath: "/b/%E2%9C%93/x", rawQuery: "list-type=2&prefix=a%2Fb",
      headers: [("host", "localhost")], payloadHash: SigV4.unsignedPayload, date: now)
    let request = SigV4RequestView(
      method: "GET", rawPath: "/b/%E2%9C%93/x", rawQuery: "list-type=2&prefix=a%2Fb",
      headers: headers)
    let result = try verifier(now: now, key: "k", secret: "s").verify(request, now: now)
    XCTAssertEqual(result?.payload, .unsigned)
  }

  /// curl 7.x signs with the empty-payload hash and sends no x-amz-content-sha256: accepted
  /// as an unsigned body by default, refused (as AWS does) when the verifier is told to.
  func testMissingPayloadHashHeader() throws {
    let now = Date()
    let amzDate = S3Date.amzDate(now)
    let headers: [(name: String, value: String)] = [("host", "h"), ("x-amz-date", amzDate)]
    let scope = SigV4.scope(date: S3Date.scopeDate(now), region: "us-east-1", service: "s3")
    func signed(payloadHash: String) -> SigV4RequestView {
      let canonical = SigV4.canonicalRequest(
        method: "PUT", canonicalURI: "/b/k", canonicalQuery: "", headers: headers,
        signedHeaders: ["host", "x-amz-date"], payloadHash: payloadHash)
      let key = SigV4.signingKey(
        secret: "s", date: S3Date.scopeDate(now), region: "us-east-1", service: "s3")
      let signature = SigV4.signature(
        signingKey: key,
        stringToSign: SigV4.stringToSign(
          amzDate: amzDate, scope: scope, canonicalRequest: canonical))
      let authorization =
        "AWS4-HMAC-SHA256 Credential=k/\(scope), SignedHeaders=host;x-amz-date, Signature=\(signature)"
      return SigV4RequestView(
        method: "PUT", rawPath: "/b/k", rawQuery: nil,
        headers: headers + [("Authorization", authorization)])
    }
    let curl = signed(payloadHash: SigV4.emptyPayloadHash)
    XCTAssertEqual(
      try verifier(now: now, key: "k", secret: "s").verify(curl, now: now)?.payload, .unsigned)
    // A signature over another payload hash cannot be checked without the header.
    XCTAssertThrowsError(
      try verifier(now: now, key: "k", secret: "s").verify(
        signed(payloadHash: SigV4.sha256Hex(Array("body".utf8))), now: now))
    var strict = verifier(now: now, key: "k", secret: "s")
    strict.acceptsMissingPayloadHash = false
    XCTAssertThrowsError(try strict.verify(curl, now: now)) {
      XCTAssertEqual(($0 as? S3Error)?.code, .invalidRequest)
    }
  }

  func testRefusals() throws {
    let signer = SigV4Signer(accessKey: "k", secretKey: "s")
    let now = Date()
    func request(date: Date, extra: [(name: String, value: String)] = [])
      -> SigV4RequestView
    {
      var headers = signer.sign(
        method: "GET", rawPath: "/b", rawQuery: nil, headers: [("host", "h")],
        payloadHash: SigV4.unsignedPayload, date: date)
      headers += extra
      return SigV4RequestView(method: "GET", rawPath: "/b", rawQuery: nil, headers: headers)
    }
    func code(_ r: SigV4RequestView, key: String = "k", secret: String = "s") -> S3ErrorCode? {
      do {
        _ = try verifier(now: now, key: key, secret: secret).verify(r, now: now)
        return nil
      } catch { return error.code }
    }
    XCTAssertNil(code(request(date: now)))
    XCTAssertEqual(code(request(date: now - 16 * 60)), .requestTimeTooSkewed)
    XCTAssertEqual(code(request(date: now + 16 * 60)), .requestTimeTooSkewed)
    XCTAssertEqual(code(request(date: now), key: "other"), .invalidAccessKeyId)
    XCTAssertEqual(code(request(date: now), secret: "wrong"), .signatureDoesNotMatch)
    XCTAssertEqual(
      code(request(date: now, extra: [("x-amz-meta-sneaky", "1")])), .accessDenied)
    let anonymous = SigV4RequestView(method: "GET", rawPath: "/b", rawQuery: nil, headers: [])
    XCTAssertNil(try verifier(now: now).verify(anonymous, now: now))
  }

  func testPresignedExpiryLimits() throws {
    let signer = SigV4Signer(accessKey: "k", secretKey: "s")
    let now = Date()
    let tooLong = signer.presign(
      method: "GET", host: "h", rawPath: "/b/k", expires: 604_801, date: now)
    let r = SigV4RequestView(
      method: "GET", rawPath: "/b/k", rawQuery: tooLong, headers: [("host", "h")])
    XCTAssertThrowsError(try verifier(now: now, key: "k", secret: "s").verify(r, now: now)) {
      XCTAssertEqual(($0 as? S3Error)?.code, .authorizationQueryParametersError)
    }
    let week = signer.presign(
      method: "GET", host: "h", rawPath: "/b/k", expires: 604_800, date: now)
    let ok = SigV4RequestView(
      method: "GET", rawPath: "/b/k", rawQuery: week, headers: [("host", "h")])
    XCTAssertNotNil(try verifier(now: now, key: "k", secret: "s").verify(ok, now: now + 604_000))
  }

  func testCanonicalFormsOfQueriesAndHeaderValues() {
    // Sorted by name, then value; a name that is a prefix of another sorts first even though
    // its `=` (0x3D) sorts after the other's `-` (0x2D).
    let query = URIEncoding.parseQuery("b=2&a-b=x&a=z&a=y&k%20=v%2Fw&e&x+y=1%2B1")!
    XCTAssertEqual(query.map(\.name), ["b", "a-b", "a", "a", "k ", "e", "x y"])
    XCTAssertEqual(
      SigV4.canonicalQuery(query, excluding: ["b"]), "a=y&a=z&a-b=x&e=&k%20=v%2Fw&x%20y=1%2B1")
    XCTAssertEqual(SigV4.canonicalQuery([]), "")
    XCTAssertEqual(SigV4.canonicalQuery([("only", "")]), "only=")
    XCTAssertNil(URIEncoding.parseQuery("a=%4"))
    XCTAssertNil(URIEncoding.parseQuery("a=%C3%28"))  // not UTF-8
    XCTAssertEqual(URIEncoding.parseQuery("&&a=1&&")!.map(\.value), ["1"])
    XCTAssertEqual(URIEncoding.parseQuery("a==b")!.map(\.value), ["=b"])
    XCTAssertEqual(URIEncoding.parseQuery("k=%C3%A9t%C3%A9")!.map(\.value), ["été"])
    // Header values: trimmed, inner runs of spaces and tabs collapsed to one space.
    XCTAssertEqual(SigV4.canonicalHeaderValue("  a   b\tc  "), "a b c")
    XCTAssertEqual(SigV4.canonicalHeaderValue("plain value"), "plain value")
    XCTAssertEqual(SigV4.canonicalHeaderValue(" \t "), "")
    XCTAssertEqual(SigV4.canonicalHeaderValue("a\tb"), "a b")
  }

  /// SDKs send the query already canonical; the verifier then takes it as it is (less the
  /// signature) instead of decoding, re-encoding and sorting it. Anything not canonical goes
  /// the long way, and where both apply they agree.
  func testCanonicalQueryTakenFromTheRawQuery() {
    let presigned =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=KEY%2F20261125%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261125T080000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=abc"
    let slow = SigV4.canonicalQuery(
      URIEncoding.parseQuery(presigned)!, excluding: ["X-Amz-Signature"])
    XCTAssertEqual(SigV4.canonicalQuery(raw: presigned, excluding: "X-Amz-Signature"), slow)
    XCTAssertFalse(slow.contains("Signature="))
    XCTAssertEqual(
      SigV4.canonicalQuery(raw: "a=1&a=2&b=%2F&list-type=2"), "a=1&a=2&b=%2F&list-type=2")
    // The excluded name is a decoded name, as in the pairs (found by the uri fuzz target).
    XCTAssertEqual(SigV4.canonicalQuery(raw: "a%20b=1&c=2", excluding: "a b"), "c=2")
    for notCanonical in [
      "b=1&a=2", "a=2&a=1", "a=%2f", "a=%41", "a=x+y", "acl", "a=1&&b=2", "a=1&", "a==b", "a=%4",
      "a=%C3%A9&b=é", "", "k=v/w",
    ] {
      XCTAssertNil(SigV4.canonicalQuery(raw: notCanonical), notCanonical)
    }
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("ab-_.~=&%2F41f+ /é".unicodeScalars).map(String.init)
    var checked = 0
    for _ in 0..<20_000 {
      let raw = (0..<Int.random(in: 1...12, using: &generator)).map { _ in
        alphabet.randomElement(using: &generator)!
      }.joined()
      guard let pairs = URIEncoding.parseQuery(raw) else { continue }
      if let fast = SigV4.canonicalQuery(raw: raw) {
        XCTAssertEqual(fast, SigV4.canonicalQuery(pairs), raw)
        checked += 1
      }
    }
    XCTAssertGreaterThan(checked, 100, "the random queries reach the fast path")
  }

  func testCachedSigningKeysFollowTheSecret() throws {
    // The same access key and day with another secret must not reuse the cached key.
    var secret = "first-secret"
    let signer = { (secret: String) in
      SigV4Signer(accessKey: "k", secretKey: secret).sign(
        method: "GET", rawPath: "/b/k", rawQuery: nil, headers: [("host", "h")],
        payloadHash: SigV4.emptyPayloadHash, date: self.awsDate)
    }
    let box = LockedSecret(secret)
    let verifier = SigV4Verifier(region: "us-east-1") { $0 == "k" ? box.value : nil }
    let view = { (headers: [(name: String, value: String)]) in
      SigV4RequestView(method: "GET", rawPath: "/b/k", rawQuery: nil, headers: headers)
    }
    XCTAssertNotNil(try verifier.verify(view(signer(secret)), now: awsDate))
    secret = "second-secret"
    box.value = secret
    XCTAssertNotNil(try verifier.verify(view(signer(secret)), now: awsDate))
    XCTAssertThrowsError(try verifier.verify(view(signer("first-secret")), now: awsDate))
  }
}

private final class LockedSecret: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: String
  init(_ value: String) { stored = value }
  var value: String {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}
