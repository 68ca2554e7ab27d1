import Crypto
import Foundation

/// What the request says its body hashes to (the `x-amz-content-sha256` value).
public enum PayloadHash: Sendable, Equatable {
  /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
  case unsigned
  /// The body's SHA-256; the server must verify it while streaming.
  case sha256([UInt8])
  /// One of the `STREAMING-*` aws-chunked modes, named as sent.
  case streaming(String)
}

/// A request as the verifier sees it: raw, still percent-encoded path and query.
public struct SigV4RequestView: Sendable {
  public var method: String
  public var rawPath: String
  public var rawQuery: String?
  /// Header names in any case, in the order received.
  public var headers: [(name: String, value: String)]
  /// `rawQuery` already decoded by ``URIEncoding/parseQuery(_:)``, when the caller has it.
  public var query: [(name: String, value: String)]?

  public init(
    method: String, rawPath: String, rawQuery: String?, headers: [(name: String, value: String)],
    query: [(name: String, value: String)]? = nil
  ) {
    self.method = method
    self.rawPath = rawPath
    self.rawQuery = rawQuery
    self.headers = headers
    self.query = query
  }

  /// The first value of the header called `name` (lowercase).
  func header(_ name: String) -> String? {
    headers.first { SigV4.headerName($0.name, is: name) }?.value
  }
}

/// A verified signature.
public struct SigV4Authentication: Sendable, Equatable {
  public var accessKey: String
  public var payload: PayloadHash
  public var presigned: Bool
  /// The signature (the seed signature of aws-chunked bodies).
  public var signature: String
  public var signingKey: [UInt8]
  public var scope: String
  public var amzDate: String
}

/// Verifies AWS SigV4 signatures in the `Authorization` header or in a presigned query string.
///
/// Errors are the S3 errors AWS answers with. The secret is looked up by access key through
/// `secretForAccessKey`; it is never logged or returned.
public struct SigV4Verifier: Sendable {
  public var region: String
  /// Largest allowed difference between the request time and the server clock (S3: 15 min).
  public var maxClockSkew: TimeInterval
  /// Largest allowed `X-Amz-Expires` (S3: 7 days).
  public var maxPresignedExpiry: Int
  /// Whether a header-signed request may leave out `x-amz-content-sha256` (curl 7.x does,
  /// signing the empty-payload hash): it is then verified with that hash and its body treated
  /// as unsigned, the protection `UNSIGNED-PAYLOAD` gives. When false it is refused, as AWS
  /// does. Default true.
  public var acceptsMissingPayloadHash = true
  public var secretForAccessKey: @Sendable (String) -> String?
  /// Signing keys derived for recent (secret, day, region, service) scopes: four HMACs saved
  /// on every request after a client's first of the day.
  let signingKeys = SigningKeyCache()

  public init(
    region: String, maxClockSkew: TimeInterval = 900, maxPresignedExpiry: Int = 604_800,
    secretForAccessKey: @escaping @Sendable (String) -> String?
  ) {
    self.region = region
    self.maxClockSkew = maxClockSkew
    self.maxPresignedExpiry = maxPresignedExpiry
    self.secretForAccessKey = secretForAccessKey
  }

  /// Verifies `request`. Returns nil when it carries no credentials at all (anonymous), the
  /// verified authentication otherwise; throws the S3 error to answer when it is refused.
  public func verify(_ request: SigV4RequestView, now: Date = Date()) throws(S3Error)
    -> SigV4Authentication?
  {
    guard let query = request.query ?? URIEncoding.parseQuery(request.rawQuery) else {
      throw S3Error(.invalidArgument, "The query string is not valid percent-encoded UTF-8.")
    }
    if let authorization = request.header("authorization") {
      return try verifyHeader(request, authorization: authorization, query: query, now: now)
    }
    if query.contains(where: { $0.name == "X-Amz-Algorithm" || $0.name == "X-Amz-Signature" }) {
      return try verifyPresigned(request, query: query, now: now)
    }
    if query.contains(where: { $0.name == "AWSAccessKeyId" }) {
      throw S3Error(
        .invalidRequest,
        "Signature Version 2 is not supported; sign requests with AWS4-HMAC-SHA256.")
    }
    return nil
  }
}

/// Derived SigV4 signing keys by access key and scope, kept per thread (``ThreadIndex``
/// shards, each with its own lock) so verifying threads never wait for each other. An entry
/// is used only with the same secret it was derived from.
final class SigningKeyCache: @unchecked Sendable {
  /// A derived key, and an HMAC already keyed with it.
  struct Entry {
    var secret: String
    var key: [UInt8]
    var keyed: HMAC<SHA256>
  }

  private final class Shard: @unchecked Sendable {
    let lock = NSLock()
    var entries: [String: Entry] = [:]
  }

  /// Shards; threads take one each, in turn (more threads than shards share).
  static let shardCount = 16
  /// Entries a shard keeps at most; it is emptied when it would grow past this (a new day or
  /// many access keys), which only costs the derivations again.
  static let capacity = 64

  private let shards = (0..<SigningKeyCache.shardCount).map { _ in Shard() }

  /// The signing key for `accessKey`'s `secret` on `date` in `region` and `service`.
  func key(accessKey: String, secret: String, date: String, region: String, service: String)
    -> Entry
  {
    let name = "\(accessKey)/\(date)/\(region)/\(service)"
    let shard = shards[ThreadIndex.current % Self.shardCount]
    if let entry = shard.lock.withLock({ shard.entries[name] }), entry.secret == secret {
      return entry
    }
    let key = SigV4.signingKey(secret: secret, date: date, region: region, service: service)
    let entry = Entry(
      secret: secret, key: key, keyed: HMAC<SHA256>(key: SymmetricKey(data: key)))
    shard.lock.withLock {
      if shard.entries.count >= Self.capacity { shard.entries.removeAll(keepingCapacity: true) }
      shard.entries[name] = entry
    }
    return entry
  }
}
