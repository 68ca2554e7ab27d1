import LakeHTTP

/// Who may call the API without a signature.
public enum AnonymousAccess: String, Sendable, CaseIterable {
  /// Every request must be signed (the default).
  case none
  /// Unsigned requests may list and read, never write.
  case read
  /// Unsigned requests may also write and delete. Only for throw-away local set-ups.
  case write
}

/// Everything `lakestore serve` can be told, with its default. Built mutably by
/// `ConfigurationLoader`, then used read-only by the running server.
public struct ServerConfiguration: Sendable {
  /// Where objects and the catalog live.
  public var dataDirectory = "./lakestore-data"
  /// Listening host (the HTTP layer's setting, one source of truth).
  public var host: String {
    get { http.host }
    set { http.host = newValue }
  }
  /// Listening port; 0 picks a free port.
  public var port: Int {
    get { http.port }
    set { http.port = newValue }
  }
  /// Credentials; when nil they are read from (or generated into) the data directory.
  public var accessKey: String?
  public var secretKey: String?
  /// The region the server claims; SigV4 credential scopes must name it.
  public var region = "us-east-1"
  public var anonymousAccess = AnonymousAccess.none
  /// Host names under which `<bucket>.<domain>` selects a bucket (virtual-host style).
  public var virtualHostDomains = ["localhost"]
  /// Largest object a single PutObject accepts (S3: 5 GiB).
  /// It is the HTTP layer's body limit, so chunked bodies are cut off at the same size.
  public var maxObjectSize: Int64 {
    get { http.maxBodyBytes }
    set { http.maxBodyBytes = newValue }
  }
  /// Smallest part of a multipart upload other than its last (S3: 5 MiB); Complete answers
  /// `EntityTooSmall` below it. Tests lower it to use small parts.
  public var minPartSize: Int64 = 5 << 20
  /// Largest object CompleteMultipartUpload assembles (S3: 5 TiB). Each part is held to
  /// `maxObjectSize` like a PutObject.
  public var maxMultipartObjectSize: Int64 = 5 << 40
  /// Multipart uploads older than this are aborted by the server's sweep (7 days, as S3
  /// lifecycle rules commonly set); 0 keeps them forever.
  public var uploadExpirySeconds: Int64 = 7 * 86_400
  /// Largest key, in UTF-8 bytes (S3: 1,024).
  public var maxKeyBytes = 1024
  /// Largest total of user metadata names and values, in bytes (S3: 2 KB).
  public var maxMetadataBytes = 2048
  /// Whether header-signed requests must carry `x-amz-content-sha256` (AWS's rule). By default
  /// a request without it is accepted when its signature verifies with the empty-payload hash
  /// (what curl 7.x signs), and its body is treated as unsigned.
  public var requireContentSHA256 = false
  /// Largest allowed difference between a signed request's time and the server clock.
  public var maxClockSkewSeconds = 900
  /// Log level: trace, debug, info, notice, warning, error, critical.
  public var logLevel = "info"
  /// Whether to write one access-log line per request.
  public var accessLog = true
  /// How often buffered access-log lines are written; a crash loses at most this much.
  public var accessLogFlush = Duration.milliseconds(100)
  /// Catalog rows kept in memory so repeated reads of a key skip SQLite (0 disables).
  public var cacheEntries = 10_000
  /// Whether the data-lake indexer runs (`catalog_index`).
  public var catalogIndex = true
  /// How long the indexer lets writes gather before a batch (`catalog_index_delay`).
  public var catalogIndexDelay: Duration = .milliseconds(200)
  /// The indexer thread's nice value (`catalog_index_nice`).
  public var catalogIndexNice = 10
  /// How many cached objects keep their file open; each holds one file descriptor.
  public var cacheOpenFiles = 1024
  /// Free space kept on the data directory's file system; writes that would go below it get
  /// 507 `InsufficientStorage`, so deletes can always commit. 0 disables the reserve.
  public var minFreeBytes: Int64 = 64 << 20
  /// Socket, parser and timeout limits.
  public var http = HTTPServerConfiguration()

  public init() {}
}
