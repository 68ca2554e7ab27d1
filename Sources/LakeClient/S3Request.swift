import Foundation
import LakeS3

/// One S3 request before it is addressed and signed: method, bucket, key, query, headers and
/// body.
struct S3Request: Sendable {
  var method: String
  var bucket: String?
  var key: String?
  /// Query parameters, not yet encoded (`("list-type", "2")`, `("uploads", "")`).
  var query: [(name: String, value: String)] = []
  /// Headers to send and sign (names in lower case).
  var headers: [(name: String, value: String)] = []
  var body: Body = .none
  /// Whether sending the request again cannot change the outcome (retries are allowed).
  var idempotent = true
  /// Whether a data body is signed with its SHA-256 (false: `UNSIGNED-PAYLOAD`, for part
  /// bodies whose integrity a checksum header guards, so large bodies are not hashed twice).
  var signsPayload = true
  /// Whether the request is path-style whatever the client's addressing (the catalog API).
  var pathStyle = false

  /// What the request sends.
  enum Body: Sendable {
    case none
    /// Bytes in memory; signed with their SHA-256.
    case data(Data)
    /// A whole file, streamed from disk by URLSession; sent with an unsigned payload.
    case file(URL, length: Int64)

    var length: Int64 {
      switch self {
      case .none: return 0
      case .data(let data): return Int64(data.count)
      case .file(_, let length): return length
      }
    }
  }

  init(
    _ method: String, bucket: String? = nil, key: String? = nil,
    query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
    body: Body = .none, idempotent: Bool = true
  ) {
    self.method = method
    self.bucket = bucket
    self.key = key
    self.query = query
    self.headers = headers
    self.body = body
    self.idempotent = idempotent
  }

  /// The resource an error is about: `/bucket/key` or `/bucket`.
  var resource: String? {
    guard let bucket else { return nil }
    return key.map { "/\(bucket)/\($0)" } ?? "/\(bucket)"
  }
}

/// Where a request goes: its URL and `Host`, from the endpoint and the addressing style.
struct S3Address: Sendable {
  var url: URL
  /// The `Host` header the HTTP stack will send (port included when not the scheme's default),
  /// which the signature covers.
  var host: String
  /// The path exactly as sent, percent-encoded.
  var rawPath: String
  /// The query exactly as sent, without `?`; nil when there is none.
  var rawQuery: String?

  init(
    endpoint: URL, addressing: LakeClientConfiguration.Addressing, bucket: String?, key: String?,
    query: [(name: String, value: String)]
  ) throws(LakeClientError) {
    let scheme = endpoint.scheme?.lowercased() ?? "http"
    var hostName = endpoint.host ?? "127.0.0.1"
    if hostName.contains(":"), !hostName.hasPrefix("[") { hostName = "[\(hostName)]" }
    var basePath = endpoint.path
    while basePath.hasSuffix("/") { basePath.removeLast() }
    var path = URIEncoding.encode(basePath, keepSlash: true)
    if let bucket {
      if addressing == .virtualHost {
        hostName = bucket + "." + hostName
      } else {
        path += "/" + URIEncoding.encode(bucket, keepSlash: false)
      }
    }
    if let key { path += "/" + URIEncoding.encode(key, keepSlash: true) }
    if path.isEmpty { path = "/" }
    var host = hostName
    if let port = endpoint.port, !(scheme == "http" && port == 80),
      !(scheme == "https" && port == 443)
    {
      host += ":\(port)"
    }
    let rawQuery =
      query.isEmpty
      ? nil
      : query.map {
        URIEncoding.encode($0.name, keepSlash: false) + "="
          + URIEncoding.encode($0.value, keepSlash: false)
      }.joined(separator: "&")
    let text = "\(scheme)://\(host)\(path)" + (rawQuery.map { "?" + $0 } ?? "")
    guard let url = URL(string: text) else {
      throw LakeClientError(
        .configuration, code: "InvalidEndpoint", message: "cannot build a URL from \(text)")
    }
    self.url = url
    self.host = host
    self.rawPath = path
    self.rawQuery = rawQuery
  }
}
