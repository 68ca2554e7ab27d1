import Foundation

/// Signs requests with AWS Signature Version 4 (header and presigned-URL forms).
///
/// Used by tests and by the Swift client; it works against any S3 service.
public struct SigV4Signer: Sendable {
  public var accessKey: String
  public var secretKey: String
  public var region: String
  public var service: String
  /// Derived keys, so a signer used for many requests derives each day's key once.
  private let signingKeys = SigningKeyCache()

  public init(
    accessKey: String, secretKey: String, region: String = "us-east-1", service: String = "s3"
  ) {
    self.accessKey = accessKey
    self.secretKey = secretKey
    self.region = region
    self.service = service
  }

  /// Returns `headers` plus `x-amz-date`, `x-amz-content-sha256` and `Authorization`.
  ///
  /// - Parameters:
  ///   - rawPath: the path exactly as it will be sent (already percent-encoded).
  ///   - rawQuery: the query exactly as it will be sent, without `?`.
  ///   - headers: must include `host`; all are signed.
  ///   - payloadHash: hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
  public func sign(
    method: String, rawPath: String, rawQuery: String?, headers: [(name: String, value: String)],
    payloadHash: String, date: Date = Date()
  ) -> [(name: String, value: String)] {
    let amzDate = S3Date.amzDate(date)
    var all = headers
    all.append(("x-amz-date", amzDate))
    all.append(("x-amz-content-sha256", payloadHash))
    let signed = Array(Set(all.map { $0.name.lowercased() })).sorted()
    let scope = SigV4.scope(date: S3Date.scopeDate(date), region: region, service: service)
    let canonical = SigV4.canonicalRequest(
      method: method, canonicalURI: SigV4.canonicalURI(rawPath: rawPath) ?? rawPath,
      canonicalQuery: SigV4.canonicalQuery(URIEncoding.parseQuery(rawQuery) ?? []),
      headers: all, signedHeaders: signed, payloadHash: payloadHash)
    let signature = SigV4.signature(
      keyed: signingKey(date).keyed,
      stringToSign: SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
    all.append(
      (
        "Authorization",
        "\(SigV4.algorithm) Credential=\(accessKey)/\(scope), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"
      ))
    return all
  }

  /// Returns the query string (without `?`) of a presigned URL for `method` on `rawPath`,
  /// signing only the `host` header and an unsigned payload.
  public func presign(
    method: String, host: String, rawPath: String, rawQuery: String? = nil, expires: Int,
    date: Date = Date()
  ) -> String {
    let amzDate = S3Date.amzDate(date)
    let scope = SigV4.scope(date: S3Date.scopeDate(date), region: region, service: service)
    var pairs = URIEncoding.parseQuery(rawQuery) ?? []
    pairs.append(("X-Amz-Algorithm", SigV4.algorithm))
    pairs.append(("X-Amz-Credential", "\(accessKey)/\(scope)"))
    pairs.append(("X-Amz-Date", amzDate))
    pairs.append(("X-Amz-Expires", String(expires)))
    pairs.append(("X-Amz-SignedHeaders", "host"))
    let canonicalQuery = SigV4.canonicalQuery(pairs)
    let canonical = SigV4.canonicalRequest(
      method: method, canonicalURI: SigV4.canonicalURI(rawPath: rawPath) ?? rawPath,
      canonicalQuery: canonicalQuery, headers: [("host", host)], signedHeaders: ["host"],
      payloadHash: SigV4.unsignedPayload)
    let signature = SigV4.signature(
      keyed: signingKey(date).keyed,
      stringToSign: SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
    return canonicalQuery + "&X-Amz-Signature=" + signature
  }

  /// The signing key for `date`'s day, derived once per day.
  private func signingKey(_ date: Date) -> SigningKeyCache.Entry {
    signingKeys.key(
      accessKey: accessKey, secret: secretKey, date: S3Date.scopeDate(date), region: region,
      service: service)
  }
}
