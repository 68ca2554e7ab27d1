import Foundation
import LakeCore
import LakeHTTP
import LakeS3

extension S3RequestHandler {
  /// CreateMultipartUpload: the object's headers, metadata and tags are kept for Complete.
  func createMultipartUpload(_ bucket: String, _ key: String, _ request: S3Request) throws
    -> HTTPResponse
  {
    let metadata = try objectMetadata(request)
    var algorithm: ChecksumAlgorithm?
    var type: ChecksumType?
    if let checksum = try ChecksumRequest.parse(request.head.headers.map { ($0.name, $0.value) }) {
      let chosen = checksum.type ?? checksum.algorithm.defaultChecksumType
      guard checksum.algorithm.supports(chosen) else {
        throw S3Error(
          .invalidRequest,
          "The \(checksum.algorithm.rawValue) checksum algorithm does not support the \(chosen.rawValue) checksum type."
        )
      }
      (algorithm, type) = (checksum.algorithm, chosen)
    }
    let upload = try store.createMultipartUpload(
      bucket: bucket, key: key, metadata: metadata, checksumAlgorithm: algorithm?.rawValue,
      checksumType: type?.rawValue)
    var headers = HTTPHeaders()
    if let algorithm, let type {
      headers.add(name: "x-amz-checksum-algorithm", value: algorithm.rawValue)
      headers.add(name: "x-amz-checksum-type", value: type.rawValue)
    }
    return xmlResponse(
      InitiateMultipartUploadResult(bucket: bucket, key: key, uploadId: upload.id),
      headers: headers)
  }

  /// CompleteMultipartUpload: parses the part list and assembles the object.
  func completeMultipartUpload(
    _ bucket: String, _ key: String, _ uploadID: String, _ request: S3Request
  ) throws -> HTTPResponse {
    let condition = try writeCondition(request)
    let (parts, listedChecksums) = try completedParts(
      readDocument(request, limit: Self.maxCompleteDocumentBytes))
    let whole = try ChecksumRequest.parse(request.head.headers.map { ($0.name, $0.value) })
    let limits = MultipartLimits(
      minPartSize: configuration.minPartSize, maxObjectSize: configuration.maxMultipartObjectSize)
    let info = try commitWrite(bucket: bucket, key: key, condition: condition) {
      () throws(LakeError) in
      try store.completeMultipartUpload(
        uploadID: uploadID, bucket: bucket, key: key, parts: parts, limits: limits,
        condition: condition
      ) { (upload, chosen) throws(LakeError) -> ObjectMetadata in
        var metadata = upload.metadata
        metadata.checksum = try Self.objectChecksum(
          upload, chosen, listed: listedChecksums, whole: whole)
        return metadata
      }
    }
    return xmlResponse(
      CompleteMultipartUploadResult(
        location: location(of: key, in: bucket, request), bucket: bucket, key: key,
        etag: info.etag, checksum: info.metadata.checksum?.documentValue,
        checksumType: info.metadata.checksum?.documentType))
  }

  /// The `<Part>` entries of a CompleteMultipartUpload document, in the order given, and the
  /// checksums listed with them (by part number; `CompleteMultipartUpload.Part.checksum`).
  func completedParts(_ bytes: [UInt8]) throws -> (
    [CompletedPart], [Int: (ChecksumAlgorithm, String)]
  ) {
    let document = try CompleteMultipartUpload(validating: bytes)
    var checksums: [Int: (ChecksumAlgorithm, String)] = [:]
    for part in document.parts {
      if let listed = part.checksum {
        checksums[part.partNumber] = (listed.algorithm, listed.value)
      }
    }
    return (document.parts.map { CompletedPart(number: $0.partNumber, etag: $0.etag) }, checksums)
  }

  /// The completed object's checksum, from its parts' checksums, for an upload that named an
  /// algorithm: COMPOSITE (the algorithm over the part digests, `-<count>`; parts must be
  /// numbered 1…N, as S3 requires then) or FULL_OBJECT (the parts' CRCs combined). Checks the
  /// checksums the Complete listed per part (`InvalidPart`) and a whole-object value in an
  /// `x-amz-checksum-*` header (`BadDigest`).
  static func objectChecksum(
    _ upload: MultipartUpload, _ parts: [UploadedPart], listed: [Int: (ChecksumAlgorithm, String)],
    whole: ChecksumRequest?
  ) throws(LakeError) -> ObjectChecksum? {
    guard let name = upload.checksumAlgorithm, let algorithm = ChecksumAlgorithm(name: name) else {
      return nil
    }
    let type =
      upload.checksumType.flatMap(ChecksumType.init(name:)) ?? algorithm.defaultChecksumType
    var digests: [[UInt8]] = []
    for part in parts {
      guard let text = part.checksum, let digest = Checksum.decodeBase64(text, for: algorithm)
      else { throw .invalidPart("part \(part.number) has no \(algorithm.rawValue) checksum") }
      if let (listedAlgorithm, value) = listed[part.number],
        listedAlgorithm != algorithm || value != text
      {
        throw .invalidPart("part \(part.number) has another \(algorithm.rawValue) checksum")
      }
      digests.append(digest)
    }
    let value: String
    switch type {
    case .composite:
      for (index, part) in parts.enumerated() where part.number != index + 1 {
        throw .invalidPartOrder
      }
      value = Checksum.compositeValue(of: digests, algorithm: algorithm)
    case .fullObject:
      var combined = digests[0]
      for index in digests.indices.dropFirst() {
        guard
          let next = Checksum.combineCRC(
            combined, digests[index], secondLength: parts[index].size, algorithm: algorithm)
        else { throw .invalidPart("\(algorithm.rawValue) checksums cannot be combined") }
        combined = next
      }
      if let whole, whole.algorithm == algorithm, let expected = whole.expected,
        expected != combined
      {
        throw .digestMismatch
      }
      value = Checksum.base64(combined)
    }
    return ObjectChecksum(algorithm: algorithm.rawValue, type: type.rawValue, value: value)
  }

  /// The URL of an object, as Complete's `<Location>` gives it.
  func location(of key: String, in bucket: String, _ request: S3Request) -> String {
    let host = request.header("host") ?? "\(configuration.host):\(configuration.port)"
    return "http://\(host)/\(bucket)/\(URIEncoding.encode(key, keepSlash: true))"
  }

  /// ListParts.
  func listParts(_ bucket: String, _ key: String, _ p: ListPartsParameters) throws
    -> HTTPResponse
  {
    let (upload, parts) = try store.listParts(
      uploadID: p.uploadID, bucket: bucket, key: key, after: p.partNumberMarker,
      limit: p.maxParts + 1)
    let page = parts.prefix(p.maxParts)
    let isTruncated = parts.count > p.maxParts
    let algorithm = upload.documentChecksumAlgorithm
    return xmlResponse(
      ListPartsResult(
        bucket: bucket, key: key, uploadId: upload.id, initiator: owner, owner: owner,
        checksumAlgorithm: algorithm, checksumType: upload.documentChecksumType,
        partNumberMarker: p.partNumberMarker, nextPartNumberMarker: page.last?.number,
        maxParts: p.maxParts, isTruncated: isTruncated,
        parts: page.map { part in
          .init(
            partNumber: part.number, lastModified: part.lastModified, etag: part.etag,
            size: part.size,
            checksum: algorithm.flatMap { algorithm in
              part.checksum.map { ChecksumValue(algorithm: algorithm, value: $0) }
            })
        }))
  }

  /// ListMultipartUploads.
  func listMultipartUploads(_ bucket: String, _ p: ListUploadsParameters) throws -> HTTPResponse {
    let page = try store.listMultipartUploads(
      bucket: bucket, prefix: p.prefix, delimiter: p.delimiter, keyMarker: p.keyMarker,
      uploadIDMarker: p.uploadIDMarker, maxUploads: p.maxUploads)
    let owner = self.owner
    return xmlResponse(
      ListMultipartUploadsResult(
        bucket: bucket, keyMarker: p.keyMarker ?? "", uploadIdMarker: p.uploadIDMarker ?? "",
        nextKeyMarker: page.isTruncated ? page.nextKeyMarker ?? "" : nil,
        nextUploadIdMarker: page.isTruncated ? page.nextUploadIDMarker ?? "" : nil,
        delimiter: p.delimiter, prefix: p.prefix, encodingTypeURL: p.encodingTypeURL,
        maxUploads: p.maxUploads, isTruncated: page.isTruncated,
        uploads: page.uploads.map { upload in
          .init(
            key: upload.key, uploadId: upload.id, initiator: owner, owner: owner,
            initiated: upload.initiated,
            checksumAlgorithm: upload.documentChecksumAlgorithm,
            checksumType: upload.documentChecksumType)
        },
        commonPrefixes: page.commonPrefixes))
  }

  /// The whole (buffered) request document; `MalformedXML` when it is missing or too large.
  func readDocument(_ request: S3Request, limit: Int) throws -> [UInt8] {
    guard let body = request.body, body.hasBody else { throw S3Error(.malformedXML) }
    do {
      return try body.readAll(limit: limit)
    } catch {
      throw S3Error(
        .malformedXML, "The request document is larger than \(limit) bytes or incomplete.")
    }
  }
}

extension MultipartUpload {
  /// The algorithm the upload named, as documents show it.
  var documentChecksumAlgorithm: ChecksumAlgorithm? {
    checksumAlgorithm.flatMap { ChecksumAlgorithm(rawValue: $0) }
  }

  /// The `ChecksumType` documents show for an upload that named an algorithm (`COMPOSITE`
  /// when the catalog has no type); nil when it named none.
  var documentChecksumType: ChecksumType? {
    guard documentChecksumAlgorithm != nil else { return nil }
    return ChecksumType(rawValue: checksumType ?? ChecksumType.composite.rawValue)
  }
}
