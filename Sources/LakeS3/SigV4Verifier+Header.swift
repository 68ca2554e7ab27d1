import Foundation

extension SigV4Verifier {
  struct ParsedCredential {
    var accessKey: String
    var date: String
    var region: String
    var service: String
  }

  func parseCredential(_ value: String, malformed: S3ErrorCode) throws(S3Error) -> ParsedCredential
  {
    let parts = value.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
      .map { String(Substring($0)) }
    guard parts.count == 5, parts[4] == "aws4_request", !parts[0].isEmpty else {
      throw S3Error(
        malformed,
        "The credential '\(value)' is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."
      )
    }
    guard parts[2] == region else {
      throw S3Error(
        malformed,
        "The authorization header is malformed; the region '\(parts[2])' is wrong; expecting '\(region)'",
        extra: [("Region", region)])
    }
    guard parts[3] == "s3" else {
      throw S3Error(malformed, "The credential scope names service '\(parts[3])'; expecting 's3'.")
    }
    return ParsedCredential(
      accessKey: parts[0], date: parts[1], region: parts[2], service: parts[3])
  }

  func verifyHeader(
    _ request: SigV4RequestView, authorization: String, query: [(name: String, value: String)],
    now: Date
  ) throws(S3Error) -> SigV4Authentication {
    guard authorization.hasPrefix(SigV4.algorithm + " ") else {
      if authorization.hasPrefix("AWS ") {
        throw S3Error(
          .invalidRequest,
          "Signature Version 2 is not supported; sign requests with AWS4-HMAC-SHA256.")
      }
      throw S3Error(.authorizationHeaderMalformed, "Unsupported authorization type.")
    }
    let fields = Self.authorizationFields(authorization.utf8.dropFirst(SigV4.algorithm.count + 1))
    guard let credentialText = fields.credential, let signedText = fields.signedHeaders,
      let provided = fields.signature
    else {
      throw S3Error(
        .authorizationHeaderMalformed,
        "The authorization header is malformed; it needs Credential, SignedHeaders and Signature.")
    }
    let credential = try parseCredential(credentialText, malformed: .authorizationHeaderMalformed)
    guard let amzDateText = request.header("x-amz-date") ?? request.header("date") else {
      throw S3Error(
        .accessDenied, "AWS authentication requires a valid Date or x-amz-date header")
    }
    guard let requestDate = S3Date.parseAmzDate(amzDateText) ?? S3Date.parseHTTPDate(amzDateText)
    else {
      throw S3Error(
        .accessDenied, "AWS authentication requires a valid Date or x-amz-date header")
    }
    if abs(requestDate.timeIntervalSince(now)) > maxClockSkew {
      throw S3Error(
        .requestTimeTooSkewed, nil,
        extra: [
          ("RequestTime", amzDateText), ("ServerTime", S3Date.iso8601(now)),
          ("MaxAllowedSkewMilliseconds", String(Int(maxClockSkew * 1000))),
        ])
    }
    let amzDate = S3Date.amzDate(requestDate)
    guard credential.date == String(amzDate.prefix(8)) else {
      throw S3Error(
        .authorizationHeaderMalformed,
        "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date: \"\(credential.date)\"."
      )
    }
    let payloadText: String
    let payload: PayloadHash
    if let text = request.header("x-amz-content-sha256") {
      payloadText = text
      payload = try parsePayloadHash(text)
    } else if acceptsMissingPayloadHash {
      // curl 7.x: the canonical request carries the empty-payload hash whatever the body; the
      // body is then no more protected than with UNSIGNED-PAYLOAD.
      payloadText = SigV4.emptyPayloadHash
      payload = .unsigned
    } else {
      throw S3Error(
        .invalidRequest, "Missing required header for this request: x-amz-content-sha256")
    }
    let signedHeaders = SigV4.signedHeaderNames(signedText)
    try checkSignedHeaders(signedHeaders, request: request)
    return try check(
      request: request, credential: credential, signedHeaders: signedHeaders,
      canonicalQuery: request.rawQuery.flatMap { SigV4.canonicalQuery(raw: $0) }
        ?? SigV4.canonicalQuery(query), payloadText: payloadText, amzDate: amzDate,
      provided: provided, payload: payload, presigned: false)
  }

  /// The `Credential`, `SignedHeaders` and `Signature` fields of an Authorization header's
  /// comma-separated `name=value` list (spaces and tabs around items ignored, other names
  /// skipped, a repeated name's last value kept).
  static func authorizationFields(_ text: Substring.UTF8View)
    -> (credential: String?, signedHeaders: String?, signature: String?)
  {
    var result: (credential: String?, signedHeaders: String?, signature: String?) = (nil, nil, nil)
    for item in text.split(separator: UInt8(ascii: ",")) {
      var trimmed = item[...]
      while let first = trimmed.first, SigV4.isSpaceOrTab(first) { trimmed = trimmed.dropFirst() }
      while let last = trimmed.last, SigV4.isSpaceOrTab(last) { trimmed = trimmed.dropLast() }
      guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) else { continue }
      let name = trimmed[..<equals]
      let value = String(Substring(trimmed[trimmed.index(after: equals)...]))
      if name.elementsEqual("Credential".utf8) {
        result.credential = value
      } else if name.elementsEqual("SignedHeaders".utf8) {
        result.signedHeaders = value
      } else if name.elementsEqual("Signature".utf8) {
        result.signature = value
      }
    }
    return result
  }

  func parsePayloadHash(_ text: String) throws(S3Error) -> PayloadHash {
    if text == SigV4.unsignedPayload { return .unsigned }
    if text.hasPrefix("STREAMING-") { return .streaming(text) }
    if text.utf8.count == 64, let bytes = Hex.decode(text) { return .sha256(bytes) }
    throw S3Error(
      .invalidArgument,
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
      extra: [("ArgumentName", "x-amz-content-sha256"), ("ArgumentValue", text)])
  }

  /// `host` must be signed, and so must every `x-amz-*` header present (as S3 requires),
  /// except those in `exempt`.
  func checkSignedHeaders(
    _ signed: [String], request: SigV4RequestView, exempt: Set<String> = []
  ) throws(S3Error) {
    guard signed.contains("host") else {
      throw S3Error(.accessDenied, "The host header must be signed.")
    }
    var unsigned = Set<String>()
    for header in request.headers where SigV4.headerName(header.name, startsWith: "x-amz-") {
      let name = header.name.lowercased()
      if !signed.contains(name) && !exempt.contains(name) { unsigned.insert(name) }
    }
    if !unsigned.isEmpty {
      throw S3Error(
        .accessDenied, "There were headers present in the request which were not signed",
        extra: [("HeadersNotSigned", unsigned.sorted().joined(separator: ", "))])
    }
  }

  func check(
    request: SigV4RequestView, credential: ParsedCredential, signedHeaders: [String],
    canonicalQuery: String, payloadText: String, amzDate: String, provided: String,
    payload: PayloadHash, presigned: Bool
  ) throws(S3Error) -> SigV4Authentication {
    guard let secret = secretForAccessKey(credential.accessKey) else {
      throw S3Error(.invalidAccessKeyId, extra: [("AWSAccessKeyId", credential.accessKey)])
    }
    guard let canonicalURI = SigV4.canonicalURI(rawPath: request.rawPath) else {
      throw S3Error(.invalidArgument, "The request path is not valid percent-encoding.")
    }
    let scope = SigV4.scope(
      date: credential.date, region: credential.region, service: credential.service)
    let signing = signingKeys.key(
      accessKey: credential.accessKey, secret: secret, date: credential.date,
      region: credential.region, service: credential.service)
    // The AWS canonical form first. Some signers (curl 7.x) sign the path and query exactly as
    // written instead (`year=2024` unencoded, `?versioning` without `=`); the signature still
    // covers the bytes that were sent, so those spellings are accepted too.
    var variants = [(canonicalURI, canonicalQuery)]
    let rawQuery = request.rawQuery ?? ""
    if request.rawPath != canonicalURI { variants.append((request.rawPath, canonicalQuery)) }
    if !presigned && rawQuery != canonicalQuery {
      variants += variants.map { ($0.0, rawQuery) }
    }
    var first: (canonical: String, stringToSign: String)?
    var expected = ""
    var matched = false
    for (uri, query) in variants {
      let canonical = SigV4.canonicalRequest(
        method: request.method, canonicalURI: uri, canonicalQuery: query,
        headers: request.headers, signedHeaders: signedHeaders, payloadHash: payloadText)
      let stringToSign = SigV4.stringToSign(
        amzDate: amzDate, scope: scope, canonicalRequest: canonical)
      if first == nil { first = (canonical, stringToSign) }
      expected = SigV4.signature(keyed: signing.keyed, stringToSign: stringToSign)
      if SigV4.constantTimeEquals(expected, provided.lowercased()) {
        matched = true
        break
      }
    }
    guard matched else {
      throw S3Error(
        .signatureDoesNotMatch, nil,
        extra: [
          ("AWSAccessKeyId", credential.accessKey), ("StringToSign", first?.stringToSign ?? ""),
          ("CanonicalRequest", first?.canonical ?? ""),
        ])
    }
    return SigV4Authentication(
      accessKey: credential.accessKey, payload: payload, presigned: presigned,
      signature: expected, signingKey: signing.key, scope: scope, amzDate: amzDate)
  }
}
