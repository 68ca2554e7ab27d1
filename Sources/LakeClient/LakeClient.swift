import Foundation
import LakeS3

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A client for LakeStore and any S3 service: objects, buckets, listings, multipart and
/// presigned URLs, with SigV4 signing, retries and bounded memory however large the object.
///
/// One client holds one `URLSession` (connections are reused); share it across tasks, it is
/// `Sendable`. Every call honours task cancellation. Errors are ``LakeClientError``.
///
/// ```swift
/// let lake = try LakeClient(configuration: .resolve())
/// try await lake.putObject(bucket: "raw", key: "sales/day=2024-05-01/part-0.csv", data: csv)
/// ```
public final class LakeClient: Sendable {
  /// The configuration the client was created with.
  public let configuration: LakeClientConfiguration
  let session: URLSession
  let delegate = SessionDelegate()
  /// Where requests are created and resumed: both wait for the session's busy work queue, which
  /// would otherwise block one of the few threads of Swift's cooperative pool each time.
  let starter = DispatchQueue(label: "LakeClient.start")
  let signer: SigV4Signer?

  /// Creates a client; its `URLSession` lives as long as the client.
  public init(configuration: LakeClientConfiguration) {
    self.configuration = configuration
    let sessionConfiguration = URLSessionConfiguration.ephemeral
    sessionConfiguration.timeoutIntervalForRequest = configuration.requestTimeout
    sessionConfiguration.httpMaximumConnectionsPerHost = max(8, configuration.parallelism * 2)
    sessionConfiguration.httpCookieAcceptPolicy = .never
    sessionConfiguration.httpShouldSetCookies = false
    sessionConfiguration.urlCache = nil
    sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
    self.session = URLSession(
      configuration: sessionConfiguration, delegate: delegate, delegateQueue: nil)
    self.signer = configuration.credentials.map {
      SigV4Signer(accessKey: $0.accessKey, secretKey: $0.secretKey, region: configuration.region)
    }
  }

  /// Creates a client from the environment and the profile file
  /// (``LakeClientConfiguration/resolve(environment:profilePath:)``).
  public convenience init() throws(LakeClientError) {
    self.init(configuration: try .resolve())
  }

  deinit { session.finishTasksAndInvalidate() }

  /// The answer to one request: status, headers and (for small answers) the body.
  struct Response: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    /// A header by name, in any case.
    func header(_ name: String) -> String? { headers[name.lowercased()] }
    var requestID: String? { header("x-amz-request-id") }
  }

  /// The URL and signed headers of `request`.
  func prepare(_ request: S3Request, date: Date = Date()) throws(LakeClientError) -> URLRequest {
    let address = try S3Address(
      endpoint: configuration.endpoint,
      addressing: request.pathStyle ? .path : configuration.addressing,
      bucket: request.bucket, key: request.key, query: request.query)
    var urlRequest = URLRequest(url: address.url)
    urlRequest.httpMethod = request.method
    urlRequest.timeoutInterval = configuration.requestTimeout
    var headers = request.headers
    if case .none = request.body, request.method == "PUT" || request.method == "POST" {
      headers.append(("content-length", "0"))
    }
    if let signer {
      let payloadHash: String
      switch request.body {
      case .none: payloadHash = SigV4.emptyPayloadHash
      case .data(let data):
        payloadHash = request.signsPayload ? SigV4.sha256Hex(Array(data)) : SigV4.unsignedPayload
      case .file: payloadHash = SigV4.unsignedPayload
      }
      headers = signer.sign(
        method: request.method, rawPath: address.rawPath, rawQuery: address.rawQuery,
        headers: [("host", address.host)] + headers, payloadHash: payloadHash, date: date)
    }
    // One assignment: corelibs' setValue(_:forHTTPHeaderField:) searches and copies the whole
    // field table each time, a visible cost when many small objects are moved.
    var fields: [String: String] = [:]
    for (name, value) in headers where name.lowercased() != "host" { fields[name] = value }
    urlRequest.allHTTPHeaderFields = fields
    return urlRequest
  }

  /// Sends `request`, retrying as ``RetryPolicy`` allows, and returns its answer when the
  /// status is 2xx (or one of `accept`); any other answer is thrown as the service's error.
  func send(_ request: S3Request, accept: Set<Int> = []) async throws(LakeClientError) -> Response {
    try await retrying(request, accept: accept) { () async throws(LakeClientError) -> Response in
      try await sendOnce(request)
    }
  }

  /// Sends a body-less request whose 2xx answer body goes to `sink` chunk by chunk as it
  /// arrives (memory stays at one chunk); other answers are thrown as errors. `sink` runs on
  /// the session's delegate queue, one call at a time. Retried like ``send(_:accept:)``, so
  /// `sink` must tolerate a body starting over (`restart` is called before each retry).
  func stream(
    _ request: S3Request, restart: @escaping @Sendable () -> Void = {},
    sink: @escaping @Sendable (Data) throws -> Void
  ) async throws(LakeClientError) -> Response {
    try await retrying(request, accept: [], restart: restart) {
      () async throws(LakeClientError) -> Response in
      try await streamOnce(request, sink: sink)
    }
  }

  /// Runs `attempt` until it answers 2xx (or one of `accept`), a refusal that is not worth
  /// retrying, or ``RetryPolicy`` says stop; waits the policy's backoff between attempts.
  private func retrying(
    _ request: S3Request, accept: Set<Int>, restart: () -> Void = {},
    _ attempt: () async throws(LakeClientError) -> Response
  ) async throws(LakeClientError) -> Response {
    var attempts = 0
    while true {
      attempts += 1
      if attempts > 1 { restart() }
      let retryable: LakeClientError
      do throws(LakeClientError) {
        let response = try await attempt()
        if (200..<300).contains(response.status) || accept.contains(response.status) {
          return response
        }
        let error = serviceError(response, request: request)
        guard response.status >= 500 || RetryPolicy.retryableCodes.contains(error.code) else {
          throw error
        }
        retryable = error
      } catch  where error.kind == .transport {
        retryable = error
      }
      guard request.idempotent, attempts < configuration.retry.maxAttempts else { throw retryable }
      do {
        try await Task.sleep(
          nanoseconds: UInt64(configuration.retry.delay(beforeRetry: attempts - 1) * 1e9))
      } catch {
        throw .cancelled
      }
    }
  }

  private func streamOnce(_ request: S3Request, sink: @escaping @Sendable (Data) throws -> Void)
    async throws(LakeClientError) -> Response
  {
    if Task.isCancelled { throw .cancelled }
    let urlRequest = try prepare(request)
    if let log = configuration.debugLog { log(Self.describe(urlRequest)) }
    let receiver = SessionDelegate.Receiver(sink: sink)
    let pending = PendingTask()
    let (session, delegate) = (self.session, self.delegate)
    let response: Response
    do {
      response = try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
          receiver.continuation = continuation
          pending.start(on: starter) {
            let task = session.dataTask(with: urlRequest)
            delegate.register(task, receiver)
            return task
          }
        }
      } onCancel: {
        pending.cancel()
      }
    } catch let error as LakeClientError {
      throw error
    } catch {
      throw Self.transportError(error, resource: request.resource)
    }
    if let log = configuration.debugLog { log(Self.describe(response)) }
    return response
  }

  /// One attempt, without retries.
  private func sendOnce(_ request: S3Request) async throws(LakeClientError) -> Response {
    if Task.isCancelled { throw .cancelled }
    let urlRequest = try prepare(request)
    if let log = configuration.debugLog { log(Self.describe(urlRequest)) }
    let pending = PendingTask()
    let (session, body) = (self.session, request.body)
    let data: Data
    let urlResponse: URLResponse
    do {
      (data, urlResponse) = try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
          let done: @Sendable (Data?, URLResponse?, (any Error)?) -> Void = {
            data, response, error in
            if let response, error == nil {
              continuation.resume(returning: (data ?? Data(), response))
            } else {
              continuation.resume(throwing: error ?? URLError(.badServerResponse))
            }
          }
          pending.start(on: starter) {
            switch body {
            case .none: session.dataTask(with: urlRequest, completionHandler: done)
            case .data(let data):
              session.uploadTask(with: urlRequest, from: data, completionHandler: done)
            case .file(let url, _):
              session.uploadTask(with: urlRequest, fromFile: url, completionHandler: done)
            }
          }
        }
      } onCancel: {
        pending.cancel()
      }
    } catch {
      throw Self.transportError(error, resource: request.resource)
    }
    guard let http = urlResponse as? HTTPURLResponse else {
      throw .invalidResponse("the answer is not HTTP")
    }
    let response = Response(status: http.statusCode, headers: Self.headers(of: http), body: data)
    if let log = configuration.debugLog { log(Self.describe(response)) }
    return response
  }

  static func headers(of response: HTTPURLResponse) -> [String: String] {
    var headers: [String: String] = [:]
    for (name, value) in response.allHeaderFields {
      if let name = name as? String, let value = value as? String {
        headers[name.lowercased()] = value
      }
    }
    return headers
  }

  static func transportError(_ error: any Error, resource: String?) -> LakeClientError {
    if error is CancellationError { return .cancelled }
    if let urlError = error as? URLError {
      switch urlError.code {
      case .cancelled: return .cancelled
      case .timedOut:
        return LakeClientError(
          .transport, code: "Timeout", message: "the service did not answer in time",
          resource: resource)
      default:
        return LakeClientError(
          .transport, code: "ConnectionFailed",
          message: "cannot reach the service: \(urlError.localizedDescription)",
          resource: resource)
      }
    }
    return LakeClientError(
      .transport, code: "ConnectionFailed", message: "cannot reach the service: \(error)",
      resource: resource)
  }
}
