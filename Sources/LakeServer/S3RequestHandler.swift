import Foundation
import LakeCore
import LakeHTTP
import LakeS3
import Logging
import Synchronization

/// The glue between HTTP and storage: decodes each request into an `S3Operation`, checks its
/// signature, dispatches it with one `switch` and turns results and errors into responses.
///
/// Runs on the HTTP server's worker threads; blocking storage calls are fine here.
final class S3RequestHandler: HTTPHandler {
  let store: LakeStore
  let configuration: ServerConfiguration
  let router: S3Router
  let verifier: SigV4Verifier
  let logger: Logger
  /// Where finished requests are logged; nil when `access_log` is off.
  let accessLog: AccessLog?
  /// The owner every bucket and object reports (a stable ID derived from the access key).
  let ownerID: String
  private let requestCounter = Atomic<UInt64>(0)
  /// Change-feed requests waiting for a change now (see `waitingForChanges`).
  let waitingPolls = Atomic<Int>(0)
  private let requestIDPrefix: UInt32

  init(
    store: LakeStore, configuration: ServerConfiguration, credentials: Credentials, logger: Logger,
    accessLog: AccessLog?
  ) {
    self.accessLog = accessLog
    self.store = store
    self.configuration = configuration
    self.router = S3Router(virtualHostDomains: configuration.virtualHostDomains)
    let accessKey = credentials.accessKey
    let secretKey = credentials.secretKey
    var verifier = SigV4Verifier(
      region: configuration.region,
      maxClockSkew: TimeInterval(configuration.maxClockSkewSeconds)
    ) { $0 == accessKey ? secretKey : nil }
    verifier.acceptsMissingPayloadHash = !configuration.requireContentSHA256
    self.verifier = verifier
    self.logger = logger
    self.ownerID = Owner.id(accessKey: accessKey)
    self.requestIDPrefix = UInt32.random(in: 0...UInt32.max)
  }

  func nextRequestID() -> String {
    let n = requestCounter.add(1, ordering: .relaxed).newValue
    let value = UInt64(requestIDPrefix) << 32 | (n & 0xffff_ffff)
    // 16 uppercase hex digits, zero-padded.
    return String(unsafeUninitializedCapacity: 16) { buffer in
      let digits: StaticString = "0123456789ABCDEF"
      for index in 0..<16 {
        let nibble = Int(value >> UInt64(60 - 4 * index) & 0xf)
        buffer[index] = digits.utf8Start[nibble]
      }
      return 16
    }
  }

  func handle(_ head: HTTPRequestHead, body: HTTPRequestBody, context: HTTPRequestContext)
    -> HTTPResponse
  {
    let requestID = nextRequestID()
    do {
      let routed = try route(head)
      let authentication = try authorize(routed, head: head)
      let request = S3Request(
        head: head, body: body, operation: routed.operation, authentication: authentication,
        requestID: requestID)
      return stamped(try dispatch(request), requestID)
    } catch {
      return response(for: error, head: head, requestID: requestID)
    }
  }

  /// How a request's body is received: a PutObject streams into its object's temp file
  /// (``PutObjectSink``), so a slow uploader holds no worker; other bodies (small XML
  /// documents) arrive whole in memory first. Requests that fail routing or authentication
  /// are answered before any body byte is read.
  func planBody(_ head: HTTPRequestHead, body: HTTPRequestBody, context: HTTPRequestContext)
    -> HTTPBodyPlan
  {
    let requestID = nextRequestID()
    do {
      let routed = try route(head)
      let operation = routed.operation
      if case .notImplemented(let what, _, _) = operation { throw S3Error.notImplemented(what) }
      let authentication = try authorize(routed, head: head)
      let bucket: String
      let key: String
      switch operation {
      case .putObject(let b, let k), .uploadPart(let b, let k, _, _): (bucket, key) = (b, k)
      case .completeMultipartUpload: return .buffer(limit: Self.maxCompleteDocumentBytes)
      default: return .buffer(limit: Self.maxDocumentBytes)
      }
      let request = S3Request(
        head: head, body: nil, operation: operation, authentication: authentication,
        requestID: requestID)
      return .stream(
        try PutObjectSink(self, bucket: bucket, key: key, request: request, framing: body))
    } catch {
      return .respond(response(for: error, head: head, requestID: requestID))
    }
  }

  /// The largest request document (XML body of an operation other than PutObject and
  /// UploadPart) received: a DeleteObjects of 1,000 keys of 1,024 bytes fits.
  static let maxDocumentBytes = 2 << 20
  /// The largest CompleteMultipartUpload document: 10,000 parts with ETags and checksums.
  static let maxCompleteDocumentBytes = 8 << 20

  /// The error response for anything a request threw, stamped with its request ID. Storage
  /// failures (`.io`, `.catalog`) are logged with their step, path and errno.
  func response(for error: Error, head: HTTPRequestHead, requestID: String) -> HTTPResponse {
    let response: HTTPResponse
    switch error {
    case let error as S3Error:
      response = errorResponse(error, head: head, requestID: requestID)
    case let error as LakeError:
      response = errorResponse(
        s3Error(for: error, what: "request \(requestID)"), head: head, requestID: requestID)
    default:
      logger.error("request \(requestID) failed: \(error)")
      response = errorResponse(S3Error(.internalError), head: head, requestID: requestID)
    }
    return stamped(response, requestID)
  }

  /// The S3 error for a storage error. Disk and catalog failures (`.io`, `.catalog`) are logged
  /// first: the operator needs the step, path and errno; `what` names the request or key.
  func s3Error(for error: LakeError, what: String) -> S3Error {
    switch error {
    case .io, .catalog: logger.error("\(what) failed: \(error)")
    default: break
    }
    return S3Error(lake: error)
  }

  /// `response` with the request ID headers every S3 response carries.
  func stamped(_ response: HTTPResponse, _ requestID: String) -> HTTPResponse {
    var response = response
    response.head.headers.replaceOrAdd(name: "x-amz-request-id", value: requestID)
    response.head.headers.replaceOrAdd(name: "x-amz-id-2", value: requestID)
    return response
  }

  /// Answers GetObject and HeadObject on an event-loop thread when the object's catalog row
  /// and path are cached (see `LakeStore.openObjectIfCached`); nil for anything else,
  /// including every error, which a worker then answers through ``handle(_:body:context:)``.
  func handleWithoutBlocking(_ head: HTTPRequestHead, context: HTTPRequestContext)
    -> HTTPResponse?
  {
    guard head.method == "GET" || head.method == "HEAD" else { return nil }
    do {
      let routed = try route(head)
      let operation = routed.operation
      let bucket: String
      let key: String
      let parameters: GetObjectParameters
      switch operation {
      case .getObject(let b, let k, let p), .headObject(let b, let k, let p):
        (bucket, key, parameters) = (b, k, p)
      default:
        return nil
      }
      let authentication = try authorize(routed, head: head)
      let requestID = nextRequestID()
      let request = S3Request(
        head: head, body: nil, operation: operation, authentication: authentication,
        requestID: requestID)
      guard
        let response = try getObjectIfCached(
          bucket, key, parameters, request, isHead: head.method == "HEAD")
      else { return nil }
      return stamped(response, requestID)
    } catch {
      return nil
    }
  }

  /// One `switch` over every operation.
  func dispatch(_ request: S3Request) throws -> HTTPResponse {
    switch request.operation {
    case .listBuckets(let parameters): return try listBuckets(parameters)
    case .createBucket(let bucket): return try createBucket(bucket, request)
    case .headBucket(let bucket): return try headBucket(bucket)
    case .deleteBucket(let bucket): return try deleteBucket(bucket)
    case .getBucketLocation(let bucket): return try bucketLocation(bucket)
    case .listObjectsV1(let bucket, let parameters):
      return try listObjects(bucket, parameters, version: 1, request)
    case .listObjectsV2(let bucket, let parameters):
      return try listObjects(bucket, parameters, version: 2, request)
    case .putObject(let bucket, let key): return try putObject(bucket, key, request)
    case .getObject(let bucket, let key, let parameters):
      return try getObject(bucket, key, parameters, request, isHead: false)
    case .headObject(let bucket, let key, let parameters):
      return try getObject(bucket, key, parameters, request, isHead: true)
    case .deleteObject(let bucket, let key): return try deleteObject(bucket, key)
    case .deleteObjects(let bucket): return try deleteObjects(bucket, request)
    case .copyObject(let bucket, let key): return try copyObject(bucket, key, request)
    case .uploadPartCopy(let bucket, let key, let uploadID, let number):
      return try uploadPartCopy(bucket, key, uploadID, number, request)
    case .getObjectAttributes(let bucket, let key):
      return try objectAttributes(bucket, key, request)
    case .getObjectTagging(let bucket, let key):
      let info = try store.objectInfo(bucket: bucket, key: key)
      return HTTPResponse(
        status: 200, headers: ["Content-Type": "application/xml"],
        body: .bytes(ObjectTagging.document(info.metadata.tags, namespace: s3XMLNamespace)))
    case .putObjectTagging(let bucket, let key):
      let tags = try ObjectTagging.parseDocument(readDocument(request, limit: 64 << 10))
      try store.setTags(bucket: bucket, key: key, tags)
      return HTTPResponse(status: 200)
    case .deleteObjectTagging(let bucket, let key):
      try store.setTags(bucket: bucket, key: key, [:])
      return HTTPResponse(status: 204)
    case .createMultipartUpload(let bucket, let key):
      return try createMultipartUpload(bucket, key, request)
    case .uploadPart(let bucket, let key, _, _): return try putObject(bucket, key, request)
    case .completeMultipartUpload(let bucket, let key, let uploadID):
      return try completeMultipartUpload(bucket, key, uploadID, request)
    case .abortMultipartUpload(let bucket, let key, let uploadID):
      try store.abortMultipartUpload(uploadID: uploadID, bucket: bucket, key: key)
      return HTTPResponse(status: 204)
    case .listParts(let bucket, let key, let parameters):
      return try listParts(bucket, key, parameters)
    case .listMultipartUploads(let bucket, let parameters):
      return try listMultipartUploads(bucket, parameters)
    case .listObjectVersions(let bucket, let parameters):
      return try listObjectVersions(bucket, parameters, request)
    case .getBucketVersioning(let bucket): return try bucketVersioning(bucket)
    case .catalog(let bucket, let resource): return try catalog(bucket, resource, request)
    case .notImplemented(let what, _, _): throw S3Error.notImplemented(what)
    }
  }

  /// A request routed to its operation, with its query decoded once for routing and SigV4.
  struct Routed {
    var operation: S3Operation
    var query: [(name: String, value: String)]
  }

  /// The S3 operation a request asks for.
  func route(_ head: HTTPRequestHead) throws(S3Error) -> Routed {
    let query = try S3Router.parseQuery(head.query)
    let operation = try router.route(
      method: head.method, rawPath: head.path, query: query, host: head.headers["host"],
      header: { head.headers[$0] })
    return Routed(operation: operation, query: query)
  }

  /// Verifies the signature, or applies the anonymous-access policy to unsigned requests.
  func authorize(_ routed: Routed, head: HTTPRequestHead) throws(S3Error)
    -> SigV4Authentication?
  {
    let operation = routed.operation
    let view = SigV4RequestView(
      method: head.method, rawPath: head.path, rawQuery: head.query,
      headers: head.headers.map { (name: $0.name, value: $0.value) }, query: routed.query)
    if let authentication = try verifier.verify(view) { return authentication }
    switch configuration.anonymousAccess {
    case .write: return nil
    case .read where operation.isReadOnly: return nil
    default: throw S3Error(.accessDenied, "Access Denied: this request is not signed.")
    }
  }

  func errorResponse(_ error: S3Error, head: HTTPRequestHead, requestID: String) -> HTTPResponse {
    var headers = HTTPHeaders()
    for (name, value) in error.headers { headers.add(name: name, value: value) }
    var error = error
    if error.resource == nil { error.resource = head.path }
    if head.method == "HEAD" {
      // HEAD answers carry no body; S3 reports the code in a header for SDKs that want it.
      return HTTPResponse(status: error.status, headers: headers)
    }
    headers.add(name: "Content-Type", value: "application/xml")
    return HTTPResponse(
      status: error.status, headers: headers,
      body: .bytes(Array(error.xml(requestID: requestID).utf8)))
  }

  /// Errors the HTTP layer answers before routing, as S3 error documents with a request ID.
  func responseForServerError(status: Int) -> HTTPResponse {
    let code: S3ErrorCode
    switch status {
    case 408:
      code = S3ErrorCode(
        "RequestTimeout", 408, "The request head was not received within the header timeout.")
    case 431:
      code = S3ErrorCode(
        "RequestHeaderSectionTooLarge", 431,
        "Your request header section exceeds the maximum allowed size.")
    case 501:
      code = S3ErrorCode(
        "NotImplemented", 501,
        "A header you provided implies functionality that is not implemented.")
    case 503:
      code = S3ErrorCode(
        "SlowDown", 503, "Too many open connections; please reduce your request rate.")
    case 505:
      code = S3ErrorCode(
        "HttpVersionNotSupported", 505, "The HTTP version specified is not supported.")
    default:
      code = S3ErrorCode("BadRequest", status, "The request could not be parsed as HTTP/1.1.")
    }
    let requestID = nextRequestID()
    return stamped(
      HTTPResponse(
        status: status, headers: ["Content-Type": "application/xml"],
        body: .bytes(Array(S3Error(code).xml(requestID: requestID).utf8))),
      requestID)
  }

  func requestCompleted(_ record: HTTPAccessRecord) {
    guard let accessLog else { return }
    // The path only: a query may hold a presigned signature and credential.
    accessLog.record(
      method: record.head.method, path: record.head.path, status: record.status,
      requestID: record.responseHeaders["x-amz-request-id"] ?? "-",
      remote: "\(record.remoteAddress)", bytesIn: record.bodyBytesReceived,
      bytesOut: record.bodyBytesSent, duration: record.duration)
  }
}

/// What one handler call knows about its request.
struct S3Request {
  let head: HTTPRequestHead
  /// The request body; nil for requests answered on an event loop, which have none.
  let body: HTTPRequestBody?
  let operation: S3Operation
  let authentication: SigV4Authentication?
  let requestID: String

  func header(_ name: String) -> String? { head.headers[name] }
}

enum Owner {
  /// A stable 64-hex-digit owner ID derived from the access key (which is not secret).
  static func id(accessKey: String) -> String {
    SigV4.sha256Hex(Array(("lakestore-owner:" + accessKey).utf8))
  }
  static let displayName = "lakestore"
}
