import Foundation

extension SigV4Verifier {
  func verifyPresigned(
    _ request: SigV4RequestView, query: [(name: String, value: String)], now: Date
  ) throws(S3Error) -> SigV4Authentication {
    func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
    let malformed = S3ErrorCode.authorizationQueryParametersError
    guard value("X-Amz-Algorithm") == SigV4.algorithm else {
      throw S3Error(malformed, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
    }
    guard let credentialText = value("X-Amz-Credential"), let dateText = value("X-Amz-Date"),
      let expiresText = value("X-Amz-Expires"), let signedText = value("X-Amz-SignedHeaders"),
      let provided = value("X-Amz-Signature")
    else {
      throw S3Error(
        malformed,
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
      )
    }
    let credential = try parseCredential(credentialText, malformed: malformed)
    guard let date = S3Date.parseAmzDate(dateText) else {
      throw S3Error(
        malformed, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
    }
    guard let expires = Int(expiresText), expires >= 0 else {
      throw S3Error(malformed, "X-Amz-Expires should be a number")
    }
    guard expires >= 1 else {
      throw S3Error(malformed, "X-Amz-Expires must be non-negative")
    }
    guard expires <= maxPresignedExpiry else {
      throw S3Error(
        malformed, "X-Amz-Expires must be less than a week (in seconds) that is; 604800 seconds")
    }
    guard credential.date == String(dateText.prefix(8)) else {
      throw S3Error(malformed, "Invalid credential date. Date is not the same as X-Amz-Date.")
    }
    if date.timeIntervalSince(now) > maxClockSkew {
      throw S3Error(.accessDenied, "Request is not valid yet")
    }
    if now.timeIntervalSince(date) > TimeInterval(expires) {
      throw S3Error(
        .accessDenied, "Request has expired",
        extra: [
          ("X-Amz-Expires", expiresText), ("Expires", S3Date.iso8601(date + TimeInterval(expires))),
          ("ServerTime", S3Date.iso8601(now)),
        ])
    }
    let signedHeaders = SigV4.signedHeaderNames(signedText)
    // Some clients add x-amz-content-sha256 to presigned requests without signing it.
    try checkSignedHeaders(signedHeaders, request: request, exempt: ["x-amz-content-sha256"])
    // A presigned URL covers an unsigned payload unless the signer put a hash in the query.
    let payloadText = value("X-Amz-Content-Sha256") ?? SigV4.unsignedPayload
    let payload = try parsePayloadHash(payloadText)
    return try check(
      request: request, credential: credential, signedHeaders: signedHeaders,
      canonicalQuery: request.rawQuery.flatMap {
        SigV4.canonicalQuery(raw: $0, excluding: "X-Amz-Signature")
      } ?? SigV4.canonicalQuery(query, excluding: ["X-Amz-Signature"]),
      payloadText: payloadText, amzDate: dateText, provided: provided, payload: payload,
      presigned: true)
  }
}
