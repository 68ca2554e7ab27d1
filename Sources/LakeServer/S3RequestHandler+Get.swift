import Foundation
import LakeCore
import LakeHTTP
import LakeS3

#if canImport(Glibc)
  import Glibc
#endif

extension S3RequestHandler {
  /// GetObject and HeadObject: conditionals, ranges, `partNumber` and `response-*` overrides.
  /// The body goes out from the open file descriptor (sendfile), never through memory.
  func getObject(
    _ bucket: String, _ key: String, _ parameters: GetObjectParameters, _ request: S3Request,
    isHead: Bool
  ) throws -> HTTPResponse {
    let response = try answerGet(bucket, key, parameters, request, isHead: isHead) {
      try store.openObject(bucket: bucket, key: key)
    }
    guard let response else { throw S3Error(.internalError) }  // openObject never gives nil
    return response
  }

  /// ``getObject(_:_:_:_:isHead:)`` when the object opens without blocking; nil otherwise.
  func getObjectIfCached(
    _ bucket: String, _ key: String, _ parameters: GetObjectParameters, _ request: S3Request,
    isHead: Bool
  ) throws -> HTTPResponse? {
    // A part's bounds are a catalog read: a worker answers those.
    if parameters.partNumber != nil { return nil }
    return try answerGet(bucket, key, parameters, request, isHead: isHead) {
      store.openObjectIfCached(bucket: bucket, key: key)
    }
  }

  /// The GET/HEAD answer for the object `open` gives; nil when it gives none.
  private func answerGet(
    _ bucket: String, _ key: String, _ parameters: GetObjectParameters, _ request: S3Request,
    isHead: Bool, open: () throws -> OpenedObject?
  ) throws -> HTTPResponse? {
    if !parameters.responseOverrides.isEmpty && request.authentication == nil {
      throw S3Error(
        .invalidRequest,
        "Request specific response headers cannot be used for anonymous GET requests.")
    }
    let rangeHeader = request.header("range")
    if parameters.partNumber != nil && rangeHeader != nil {
      throw S3Error(
        .invalidRequest, "Cannot specify both Range header and partNumber query parameter")
    }
    guard let opened = try open() else { return nil }
    // Closed here unless handed to the response, or lent by the object cache.
    var descriptor: Int32? = opened.owner == nil ? opened.descriptor : nil
    defer { if let descriptor { close(descriptor) } }
    let info = opened.info

    var headers = objectHeaders(info)
    switch evaluateConditions(request, info: info) {
    case .notModified:
      // 304 keeps the validators.
      var notModified = HTTPHeaders()
      notModified.add(name: "ETag", value: "\"\(info.etag)\"")
      notModified.add(name: "Last-Modified", value: S3Date.httpDate(info.lastModified))
      return HTTPResponse(status: 304, headers: notModified)
    case .failed(let header):
      throw S3Error(.preconditionFailed, extra: [("Condition", header)])
    case .proceed:
      break
    }
    for override in parameters.responseOverrides {
      headers.replaceOrAdd(name: override.header, value: override.value)
    }

    var status = 200
    var offset: Int64 = 0
    var length = info.size
    if let part = parameters.partNumber {
      // A multipart object's parts as completed, numbered 1…N; an object from a single PUT
      // has exactly one part, the whole object.
      let layout = try store.partLayout(bucket: bucket, key: key, sequence: info.sequence)
      let sizes = layout?.sizes ?? [info.size]
      guard part <= sizes.count else {
        throw S3Error(
          .invalidPart, "The requested part number is past the object's last part.",
          extra: [("PartNumberRequested", String(part)), ("ActualPartCount", String(sizes.count))])
      }
      offset = sizes[..<(part - 1)].reduce(0, +)
      length = sizes[part - 1]
      status = 206
      headers.add(name: "x-amz-mp-parts-count", value: String(sizes.count))
      if let checksums = layout?.checksums, let algorithm = info.metadata.checksum?.algorithm,
        request.header("x-amz-checksum-mode")?.uppercased() == "ENABLED"
      {
        // The part's own checksum, as S3 returns it for a part read.
        headers.add(name: "x-amz-checksum-" + algorithm.lowercased(), value: checksums[part - 1])
      }
      if length > 0 {
        headers.add(
          name: "Content-Range", value: "bytes \(offset)-\(offset + length - 1)/\(info.size)")
      }
    } else if let rangeHeader {
      switch ByteRange.parse(rangeHeader, size: info.size) {
      case .ignore:
        break
      case .unsatisfiable:
        throw S3Error(
          .invalidRange,
          extra: [("RangeRequested", rangeHeader), ("ActualObjectSize", String(info.size))],
          headers: [("Content-Range", "bytes */\(info.size)")])
      case .range(let first, let last):
        status = 206
        offset = first
        length = last - first + 1
        headers.add(name: "Content-Range", value: "bytes \(first)-\(last)/\(info.size)")
      }
    }
    headers.replaceOrAdd(name: "Content-Length", value: String(length))
    if status == 200, let checksum = info.metadata.checksum,
      request.header("x-amz-checksum-mode")?.uppercased() == "ENABLED"
    {
      // Only for the whole object: a range's bytes cannot be checked against it.
      headers.add(name: "x-amz-checksum-" + checksum.algorithm.lowercased(), value: checksum.value)
      headers.add(name: "x-amz-checksum-type", value: checksum.type)
    }
    if isHead {
      return HTTPResponse(status: status, headers: headers)
    }
    let region = HTTPFileRegion(
      descriptor: opened.descriptor, offset: offset, count: length, owner: opened.owner)
    descriptor = nil  // the HTTP server owns it now
    return HTTPResponse(status: status, headers: headers, body: .file(region))
  }

  /// The stored representation headers of an object.
  func objectHeaders(_ info: ObjectInfo) -> HTTPHeaders {
    var headers = HTTPHeaders()
    headers.add(name: "ETag", value: "\"\(info.etag)\"")
    headers.add(name: "Last-Modified", value: S3Date.httpDate(info.lastModified))
    headers.add(name: "Accept-Ranges", value: "bytes")
    let m = info.metadata
    headers.add(name: "Content-Type", value: m.contentType ?? "binary/octet-stream")
    if let v = m.cacheControl { headers.add(name: "Cache-Control", value: v) }
    if let v = m.contentDisposition { headers.add(name: "Content-Disposition", value: v) }
    if let v = m.contentEncoding { headers.add(name: "Content-Encoding", value: v) }
    if let v = m.contentLanguage { headers.add(name: "Content-Language", value: v) }
    if let v = m.expires { headers.add(name: "Expires", value: v) }
    for (name, value) in m.userMetadata.sorted(by: { $0.key < $1.key }) {
      headers.add(name: "x-amz-meta-" + name, value: value)
    }
    if !m.tags.isEmpty { headers.add(name: "x-amz-tagging-count", value: String(m.tags.count)) }
    return headers
  }

  /// The outcome of a GET/HEAD's conditional headers.
  enum ConditionOutcome: Equatable {
    case proceed
    /// 304 for a GET, naming the header that decided it.
    case notModified(String)
    /// 412, naming the header that failed.
    case failed(String)
  }

  /// RFC 9110 §13.2.2 evaluation order, which S3 follows: If-Match, else If-Unmodified-Since
  /// (412); then If-None-Match, else If-Modified-Since (304). Unparseable dates are ignored.
  /// `prefix` reads the same four headers of a copy source (`x-amz-copy-source-if-match`…).
  func evaluateConditions(_ request: S3Request, info: ObjectInfo, prefix: String = "")
    -> ConditionOutcome
  {
    let modified = info.lastModified.timeIntervalSince1970.rounded(.down)
    func header(_ name: String) -> String? { request.header(prefix.lowercased() + name) }
    func date(_ name: String) -> Double? {
      header(name).flatMap(S3Date.parseHTTPDate)?.timeIntervalSince1970
    }
    if let ifMatch = header("if-match") {
      if !ETag.listMatches(ifMatch, etag: info.etag) { return .failed(prefix + "If-Match") }
    } else if let since = date("if-unmodified-since"), modified > since {
      return .failed(prefix + "If-Unmodified-Since")
    }
    if let ifNoneMatch = header("if-none-match") {
      if ETag.listMatches(ifNoneMatch, etag: info.etag) {
        return .notModified(prefix + "If-None-Match")
      }
    } else if let since = date("if-modified-since"), modified <= since {
      return .notModified(prefix + "If-Modified-Since")
    }
    return .proceed
  }

  func deleteObject(_ bucket: String, _ key: String) throws -> HTTPResponse {
    try store.deleteObject(bucket: bucket, key: key)
    return HTTPResponse(status: 204)
  }
}

/// A parsed `Range` header (RFC 9110 §14.1.2), single byte ranges only, as S3 supports.
enum ByteRange: Equatable {
  /// Not a single well-formed byte range: answer the whole object (RFC 9110 allows ignoring).
  case ignore
  case unsatisfiable
  /// Inclusive first and last byte offsets.
  case range(Int64, Int64)

  static func parse(_ header: String, size: Int64) -> ByteRange {
    let text = header.trimmingCharacters(in: .whitespaces)
    guard text.lowercased().hasPrefix("bytes=") else { return .ignore }
    let spec = text.dropFirst(6).trimmingCharacters(in: .whitespaces)
    guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .ignore }
    let firstText = spec[..<dash].trimmingCharacters(in: .whitespaces)
    let lastText = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
    // Digits only; a position past Int64.max lies beyond any object, so it saturates.
    func number(_ s: String) -> Int64? {
      guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
      return Int64(s) ?? .max
    }
    if firstText.isEmpty {
      // Suffix range: the last n bytes.
      guard let n = number(lastText) else { return .ignore }
      guard n > 0, size > 0 else { return .unsatisfiable }
      return .range(max(0, size - n), size - 1)
    }
    guard let first = number(firstText) else { return .ignore }
    let last: Int64
    if lastText.isEmpty {
      last = size - 1
    } else {
      guard let l = number(lastText) else { return .ignore }
      guard l >= first else { return .ignore }
      last = min(l, size - 1)
    }
    guard first < size else { return .unsatisfiable }
    return .range(first, last)
  }
}
