/// Decodes an HTTP request into an `S3Operation`, for path-style (`/bucket/key`) and
/// virtual-host-style (`bucket.<domain>/key`) addressing.
public struct S3Router: Sendable {
  /// Host names under which `<bucket>.<name>` means virtual-host addressing.
  public var virtualHostDomains: [String]

  public init(virtualHostDomains: [String] = []) {
    self.virtualHostDomains = virtualHostDomains.map { $0.lowercased() }
  }

  /// Query parameters that name a sub-resource S3 has and LakeStore does not implement
  /// (bucket level), mapped to the S3 operation family name used in the 501 message.
  static let bucketSubresources: [String: String] = [
    "accelerate": "Bucket accelerate configuration", "acl": "Bucket ACLs",
    "analytics": "Bucket analytics", "cors": "Bucket CORS", "encryption": "Bucket encryption",
    "intelligent-tiering": "Intelligent-Tiering", "inventory": "Bucket inventory",
    "lifecycle": "Bucket lifecycle", "logging": "Bucket logging", "metrics": "Bucket metrics",
    "notification": "Bucket notifications", "object-lock": "Object Lock",
    "ownershipControls": "Bucket ownership controls", "policy": "Bucket policies",
    "policyStatus": "Bucket policy status", "publicAccessBlock": "Public access block",
    "replication": "Bucket replication", "requestPayment": "Requester pays",
    "tagging": "Bucket tagging", "versioning": "Bucket versioning",
    "website": "Bucket websites",
    "session": "CreateSession",
    "metadataTable": "Bucket metadata tables",
  ]

  /// Object-level sub-resources LakeStore does not implement.
  static let objectSubresources: [String: String] = [
    "acl": "Object ACLs",
    "legal-hold": "Object legal hold", "retention": "Object retention",
    "restore": "RestoreObject", "select": "SelectObjectContent", "torrent": "GetObjectTorrent",
    "renameObject": "RenameObject",
  ]

  /// Decodes the request. `header` looks a header up by lowercase name.
  ///
  /// Throws `InvalidURI`-style errors (400) for undecodable paths or queries, `InvalidArgument`
  /// for bad list parameters and `MethodNotAllowed` for methods S3 has no meaning for.
  public func route(
    method: String, rawPath: String, rawQuery: String?, host: String?,
    header: (String) -> String?
  ) throws(S3Error) -> S3Operation {
    try route(
      method: method, rawPath: rawPath, query: Self.parseQuery(rawQuery), host: host,
      header: header)
  }

  /// The decoded query parameters, or the error S3 answers for an undecodable query.
  public static func parseQuery(_ rawQuery: String?) throws(S3Error)
    -> [(name: String, value: String)]
  {
    guard let query = URIEncoding.parseQuery(rawQuery) else {
      throw S3Error(.invalidArgument, "Couldn't parse the specified URI: bad query string.")
    }
    return query
  }

  /// Decodes the request whose query is already parsed (``parseQuery(_:)``), so a caller that
  /// also verifies a signature splits and decodes the query once.
  public func route(
    method: String, rawPath: String, query: [(name: String, value: String)], host: String?,
    header: (String) -> String?
  ) throws(S3Error) -> S3Operation {
    guard let path = URIEncoding.decode(rawPath, plusIsSpace: false), path.hasPrefix("/") else {
      throw S3Error(
        S3ErrorCode("InvalidURI", 400, "Couldn't parse the specified URI."), nil,
        resource: rawPath)
    }
    var bucket: String?
    var key: String?
    if let vhost = virtualHostBucket(host) {
      bucket = vhost
      let rest = String(path.dropFirst())
      key = rest.isEmpty ? nil : rest
    } else {
      let rest = path.dropFirst()
      if let slash = rest.firstIndex(of: "/") {
        bucket = String(rest[..<slash])
        let k = String(rest[rest.index(after: slash)...])
        key = k.isEmpty ? nil : k
      } else if !rest.isEmpty {
        bucket = String(rest)
      }
      // `//key` has an empty bucket segment: refuse it here rather than route bucket "".
      if bucket?.isEmpty == true {
        throw S3Error(.invalidBucketName, extra: [("BucketName", "")])
      }
    }
    if bucket == Self.catalogPrefix, virtualHostBucket(host) == nil {
      return try routeCatalog(method: method, path: key ?? "", rawPath: rawPath)
    }
    // A list, not a set: a handful of names, searched a few times (hashing cost more).
    let names = query.map(\.name)
    func value(_ name: String) -> String? { query.first { $0.name == name }?.value }

    guard let bucket else {
      switch method {
      case "GET": return .listBuckets(try listBucketsParameters(value))
      case "OPTIONS": return .notImplemented("CORS preflight (OPTIONS)", bucket: nil, key: nil)
      default: throw methodNotAllowed(method, allow: "GET")
      }
    }
    guard let key else {
      return try routeBucket(method: method, bucket: bucket, names: names, value: value)
    }
    return try routeObject(
      method: method, bucket: bucket, key: key, names: names, value: value, header: header)
  }

  /// The first path segment of the catalog API (`/_lake/v1/...`).
  public static let catalogPrefix = "_lake"

  /// `v1/BUCKET/RESOURCE` under the catalog prefix; only GET.
  private func routeCatalog(method: String, path: String, rawPath: String) throws(S3Error)
    -> S3Operation
  {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0] == "v1", !parts[1].isEmpty, !parts[2].isEmpty else {
      throw S3Error(
        .noSuchResource, "Catalog API paths are /_lake/v1/BUCKET/RESOURCE.", resource: rawPath)
    }
    guard method == "GET" else { throw methodNotAllowed(method, allow: "GET") }
    return .catalog(bucket: String(parts[1]), resource: String(parts[2]))
  }

  func virtualHostBucket(_ host: String?) -> String? {
    guard let host, !virtualHostDomains.isEmpty else { return nil }
    // Most requests are path-style: rule that out before allocating anything.
    let mayMatch =
      host.utf8.withContiguousStorageIfAvailable { bytes in
        virtualHostDomains.contains { Self.asciiContainsIgnoringCase(bytes, $0) }
      } ?? true
    guard mayMatch else { return nil }
    var name = host.lowercased()
    if let colon = name.lastIndex(of: ":"), !name.hasSuffix("]") {
      name = String(name[..<colon])
    }
    for domain in virtualHostDomains where name.hasSuffix("." + domain) {
      let bucket = String(name.dropLast(domain.count + 1))
      if !bucket.isEmpty { return bucket }
    }
    return nil
  }

  /// Whether `text` contains the lowercase ASCII `needle`, ignoring ASCII case in `text`.
  private static func asciiContainsIgnoringCase(
    _ bytes: UnsafeBufferPointer<UInt8>, _ needle: String
  ) -> Bool {
    let pattern = needle.utf8
    guard let first = pattern.first, bytes.count > pattern.count else { return false }
    var start = 0
    while start + pattern.count <= bytes.count {
      if bytes[start] | 0x20 == first | 0x20 {
        var offset = 0
        var matched = true
        for byte in pattern {
          if bytes[start + offset] | 0x20 != byte | 0x20 {
            matched = false
            break
          }
          offset += 1
        }
        if matched { return true }
      }
      start += 1
    }
    return false
  }

  func methodNotAllowed(_ method: String, allow: String) -> S3Error {
    S3Error(
      .methodNotAllowed, nil, extra: [("Method", method), ("ResourceType", "OBJECT")],
      headers: [("Allow", allow)])
  }
}
