extension S3Router {
  func routeBucket(
    method: String, bucket: String, names: [String], value: (String) -> String?
  ) throws(S3Error) -> S3Operation {
    if names.contains("versions") {
      guard method == "GET" else { throw methodNotAllowed(method, allow: "GET") }
      var parameters = try listParameters(value, v2: false)
      parameters.marker = value("key-marker")
      return .listObjectVersions(bucket: bucket, parameters)
    }
    if names.contains("versioning") && method == "GET" {
      return .getBucketVersioning(bucket: bucket)
    }
    // The first unsupported subresource by name, so the answer does not depend on order.
    if let name = names.filter({ S3Router.bucketSubresources[$0] != nil }).min(),
      let what = S3Router.bucketSubresources[name]
    {
      return .notImplemented(what, bucket: bucket, key: nil)
    }
    if names.contains("uploads") {
      guard method == "GET" else { throw methodNotAllowed(method, allow: "GET") }
      return .listMultipartUploads(bucket: bucket, try uploadsParameters(value))
    }
    if names.contains("delete") {
      guard method == "POST" else { throw methodNotAllowed(method, allow: "POST") }
      return .deleteObjects(bucket: bucket)
    }
    switch method {
    case "GET":
      if names.contains("location") { return .getBucketLocation(bucket: bucket) }
      if value("list-type") == "2" {
        return .listObjectsV2(bucket: bucket, try listParameters(value, v2: true))
      }
      if let listType = value("list-type"), listType != "1" {
        throw S3Error(
          .invalidArgument, "Invalid list-type: \(listType)",
          extra: [("ArgumentName", "list-type"), ("ArgumentValue", listType)])
      }
      return .listObjectsV1(bucket: bucket, try listParameters(value, v2: false))
    case "HEAD": return .headBucket(bucket: bucket)
    case "PUT": return .createBucket(bucket: bucket)
    case "DELETE": return .deleteBucket(bucket: bucket)
    case "POST":
      return .notImplemented("POST Object (browser form upload)", bucket: bucket, key: nil)
    case "OPTIONS": return .notImplemented("CORS preflight (OPTIONS)", bucket: bucket, key: nil)
    default: throw methodNotAllowed(method, allow: "GET, HEAD, PUT, DELETE")
    }
  }

  func routeObject(
    method: String, bucket: String, key: String, names: [String],
    value: (String) -> String?, header: (String) -> String?
  ) throws(S3Error) -> S3Operation {
    if let name = names.filter({ S3Router.objectSubresources[$0] != nil }).min(),
      let what = S3Router.objectSubresources[name]
    {
      return .notImplemented(what, bucket: bucket, key: key)
    }
    if let version = value("versionId"), version != "null" {
      return .notImplemented("Object versions (versionId)", bucket: bucket, key: key)
    }
    if names.contains("uploads") {
      guard method == "POST" else { throw methodNotAllowed(method, allow: "POST") }
      return .createMultipartUpload(bucket: bucket, key: key)
    }
    if names.contains("attributes") {
      guard method == "GET" else { throw methodNotAllowed(method, allow: "GET") }
      return .getObjectAttributes(bucket: bucket, key: key)
    }
    if names.contains("tagging") {
      switch method {
      case "GET": return .getObjectTagging(bucket: bucket, key: key)
      case "PUT": return .putObjectTagging(bucket: bucket, key: key)
      case "DELETE": return .deleteObjectTagging(bucket: bucket, key: key)
      default: throw methodNotAllowed(method, allow: "GET, PUT, DELETE")
      }
    }
    if let uploadID = value("uploadId") {
      switch method {
      case "PUT":
        guard let text = value("partNumber") else {
          throw S3Error(
            .invalidArgument, "A part number is required with an upload ID.",
            extra: [("ArgumentName", "partNumber")])
        }
        let number = try partNumber(text, name: "partNumber")
        if header("x-amz-copy-source") != nil {
          return .uploadPartCopy(bucket: bucket, key: key, uploadID: uploadID, partNumber: number)
        }
        return .uploadPart(bucket: bucket, key: key, uploadID: uploadID, partNumber: number)
      case "POST":
        return .completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
      case "DELETE":
        return .abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
      case "GET":
        var parameters = ListPartsParameters(uploadID: uploadID)
        if let text = value("max-parts") {
          parameters.maxParts = min(try Self.count(text, name: "max-parts"), 1000)
        }
        if let text = value("part-number-marker") {
          parameters.partNumberMarker = try Self.count(text, name: "part-number-marker")
        }
        return .listParts(bucket: bucket, key: key, parameters)
      default:
        throw methodNotAllowed(method, allow: "GET, PUT, POST, DELETE")
      }
    }
    switch method {
    case "GET", "HEAD":
      var parameters = GetObjectParameters()
      parameters.versionID = value("versionId")
      if let part = value("partNumber") {
        parameters.partNumber = try partNumber(part, name: "partNumber")
      }
      let overrides = [
        ("response-content-type", "Content-Type"),
        ("response-content-language", "Content-Language"),
        ("response-expires", "Expires"), ("response-cache-control", "Cache-Control"),
        ("response-content-disposition", "Content-Disposition"),
        ("response-content-encoding", "Content-Encoding"),
      ]
      for (parameter, headerName) in overrides {
        if let v = value(parameter) {
          parameters.responseOverrides.append(ResponseOverride(header: headerName, value: v))
        }
      }
      return method == "GET"
        ? .getObject(bucket: bucket, key: key, parameters)
        : .headObject(bucket: bucket, key: key, parameters)
    case "PUT":
      if header("x-amz-copy-source") != nil { return .copyObject(bucket: bucket, key: key) }
      return .putObject(bucket: bucket, key: key)
    case "DELETE": return .deleteObject(bucket: bucket, key: key)
    case "POST": return .notImplemented("POST on an object", bucket: bucket, key: key)
    case "OPTIONS": return .notImplemented("CORS preflight (OPTIONS)", bucket: bucket, key: key)
    default: throw methodNotAllowed(method, allow: "GET, HEAD, PUT, DELETE")
    }
  }

  func listParameters(_ value: (String) -> String?, v2: Bool) throws(S3Error)
    -> ListObjectsParameters
  {
    var p = ListObjectsParameters()
    p.prefix = value("prefix") ?? ""
    if let d = value("delimiter"), !d.isEmpty { p.delimiter = d }
    if let text = value("max-keys") {
      // S3 takes a 32-bit signed integer here: 0...2147483647, anything else is refused.
      p.maxKeys = min(try Self.count(text, name: "max-keys"), 1000)
    }
    p.encodingTypeURL = try encodingTypeURL(value)
    if v2 {
      p.continuationToken = value("continuation-token")
      p.startAfter = value("start-after")
      p.fetchOwner = value("fetch-owner") == "true"
    } else {
      p.marker = value("marker")
    }
    return p
  }
}

extension S3Router {
  /// A part number, 1…10,000.
  func partNumber(_ text: String, name: String) throws(S3Error) -> Int {
    guard let number = Int(text), (1...10_000).contains(number) else {
      throw S3Error(
        .invalidArgument, "Part number must be an integer between 1 and 10000, inclusive",
        extra: [("ArgumentName", name), ("ArgumentValue", text)])
    }
    return number
  }

  /// `encoding-type`: only `url` (any case) is known; `InvalidArgument` otherwise.
  func encodingTypeURL(_ value: (String) -> String?) throws(S3Error) -> Bool {
    guard let encoding = value("encoding-type") else { return false }
    guard encoding.lowercased() == "url" else {
      throw S3Error(
        .invalidArgument, "Invalid Encoding Method specified in Request",
        extra: [("ArgumentName", "encoding-type"), ("ArgumentValue", encoding)])
    }
    return true
  }

  /// A non-negative 32-bit count (`max-keys`, `max-uploads`, `max-parts`, markers).
  /// A non-negative 32-bit count given in a query parameter or header `name`
  /// (`InvalidArgument` otherwise).
  public static func count(_ text: String, name: String) throws(S3Error) -> Int {
    guard let n = Int32(text), n >= 0 else {
      throw S3Error(
        .invalidArgument, "Provided \(name) not an integer or within integer range",
        extra: [("ArgumentName", name), ("ArgumentValue", text)])
    }
    return Int(n)
  }

  func listBucketsParameters(_ value: (String) -> String?) throws(S3Error)
    -> ListBucketsParameters
  {
    var p = ListBucketsParameters()
    if let text = value("max-buckets") {
      guard let n = Int(text), (1...10_000).contains(n) else {
        throw S3Error(
          .invalidArgument, "Argument max-buckets must be an integer between 1 and 10000",
          extra: [("ArgumentName", "max-buckets"), ("ArgumentValue", text)])
      }
      p.maxBuckets = n
    }
    if let token = value("continuation-token"), !token.isEmpty { p.continuationToken = token }
    if let prefix = value("prefix"), !prefix.isEmpty { p.prefix = prefix }
    return p
  }

  func uploadsParameters(_ value: (String) -> String?) throws(S3Error) -> ListUploadsParameters {
    var p = ListUploadsParameters()
    p.prefix = value("prefix") ?? ""
    if let d = value("delimiter"), !d.isEmpty { p.delimiter = d }
    if let m = value("key-marker"), !m.isEmpty { p.keyMarker = m }
    if let m = value("upload-id-marker"), !m.isEmpty { p.uploadIDMarker = m }
    if let text = value("max-uploads") {
      p.maxUploads = min(try Self.count(text, name: "max-uploads"), 1000)
    }
    p.encodingTypeURL = try encodingTypeURL(value)
    return p
  }
}
