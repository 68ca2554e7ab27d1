import Foundation

/// How a ``LakeClient`` reaches its service: endpoint, credentials, region, addressing, transfer
/// sizes and retries.
///
/// Build one in code, or with ``LakeClientConfiguration/resolve(environment:profilePath:)`` from
/// the environment and the profile file `lakectl config` writes. The value is frozen into the
/// client when it is created.
public struct LakeClientConfiguration: Sendable {
  /// The service's base URL, such as `http://127.0.0.1:9000` (a path after the host is kept as
  /// a prefix of every request path).
  public var endpoint: URL
  /// Keys to sign with; nil sends unsigned (anonymous) requests.
  public var credentials: Credentials?
  /// The region signatures name; S3 clients default to `us-east-1`.
  public var region: String
  /// Path-style (`http://host/bucket/key`, the default) or virtual-host-style
  /// (`http://bucket.host/key`) requests.
  public var addressing: Addressing
  /// Objects at least this large are uploaded in parts (multipart upload).
  public var multipartThreshold: Int64
  /// The size of each part of a multipart upload and of each range of a parallel download.
  public var partSize: Int64
  /// How many parts or ranges of one transfer move at once. Memory held by one transfer is at
  /// most about `partSize * parallelism`.
  public var parallelism: Int
  /// When and how often a failed request is tried again.
  public var retry: RetryPolicy
  /// How long one request may wait for the service before it fails with a timeout (and is
  /// retried when it may be).
  public var requestTimeout: TimeInterval
  /// Receives a description of every request and answer (method, URL, headers, status),
  /// with the signature and secrets redacted; nil logs nothing.
  public var debugLog: (@Sendable (String) -> Void)?

  /// Signing keys.
  public struct Credentials: Sendable, Equatable {
    public var accessKey: String
    public var secretKey: String
    public init(accessKey: String, secretKey: String) {
      self.accessKey = accessKey
      self.secretKey = secretKey
    }
  }

  /// Where the bucket goes in a request URL.
  public enum Addressing: String, Sendable, Equatable {
    /// `http://host/bucket/key`: works with every server, the default.
    case path
    /// `http://bucket.host/key`: needs DNS (or a `localhost` domain) for the bucket name.
    case virtualHost = "virtual"
  }

  /// A configuration with S3 clients' usual defaults: region `us-east-1`, path-style requests,
  /// 8 MiB parts above 16 MiB, 4 transfers at once, 4 attempts per request.
  public init(
    endpoint: URL, credentials: Credentials?, region: String = "us-east-1",
    addressing: Addressing = .path
  ) {
    self.endpoint = endpoint
    self.credentials = credentials
    self.region = region
    self.addressing = addressing
    self.multipartThreshold = 16 * 1024 * 1024
    self.partSize = 8 * 1024 * 1024
    self.parallelism = 4
    self.retry = RetryPolicy()
    self.requestTimeout = 60
    self.debugLog = nil
  }
}
