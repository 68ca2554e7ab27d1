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
    var xml = XMLWriter()
    xml.open("InitiateMultipartUploadResult", namespace: s3XMLNamespace)
    xml.element("Bucket", bucket)
    xml.element("Key", key)
    xml.element("UploadId", upload.id)
    xml.close("InitiateMultipartUploadResult")
    return xmlResponse(xml, headers: headers)
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
    var xml = XMLWriter()
    xml.open("CompleteMultipartUploadResult", namespace: s3XMLNamespace)
    xml.element("Location", location(of: key, in: bucket, request))
    xml.element("Bucket", bucket)
    xml.element("Key", key)
    xml.element("ETag", "\"\(info.etag)\"")
    if let checksum = info.metadata.checksum {
      xml.element("Checksum" + checksum.algorithm, checksum.value)
      xml.element("ChecksumType", checksum.type)
    }
    xml.close("CompleteMultipartUploadResult")
    return xmlResponse(xml)
  }

  /// The `<Part>` entries of a CompleteMultipartUpload document, in the order given, and the
  /// checksums listed with them (by part number).
  func completedParts(_ bytes: [UInt8]) throws -> (
    [CompletedPart], [Int: (ChecksumAlgorithm, String)]
  ) {
    let root = try XMLReader.document(bytes, root: "CompleteMultipartUpload")
    var parts: [CompletedPart] = []
    var checksums: [Int: (ChecksumAlgorithm, String)] = [:]
    for element in root.children where element.name == "Part" {
      guard let numberText = element.child("PartNumber")?.text,
        let number = Int(numberText.trimmingCharacters(in: .whitespacesAndNewlines)),
        (1...10_000).contains(number), let etag = element.child("ETag")?.text
      else {
        throw S3Error(.malformedXML)
      }
      parts.append(CompletedPart(number: number, etag: etag))
      for algorithm in ChecksumAlgorithm.allCases {
        if let value = element.child(algorithm.xmlElementName)?.text {
          checksums[number] = (algorithm, value.trimmingCharacters(in: .whitespacesAndNewlines))
        }
      }
    }
    if parts.isEmpty {
      throw S3Error(
        .malformedXML,
        "The XML you provided was not well-formed or did not validate against our published schema: a Complete needs at least one part."
      )
    }
    return (parts, checksums)
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
    var xml = XMLWriter()
    xml.open("ListPartsResult", namespace: s3XMLNamespace)
    xml.element("Bucket", bucket)
    xml.element("Key", key)
    xml.element("UploadId", upload.id)
    writeInitiatorAndOwner(&xml)
    xml.element("StorageClass", "STANDARD")
    if let algorithm = upload.checksumAlgorithm {
      xml.element("ChecksumAlgorithm", algorithm)
      xml.element("ChecksumType", upload.checksumType ?? "COMPOSITE")
    }
    xml.element("PartNumberMarker", String(p.partNumberMarker))
    if let last = page.last { xml.element("NextPartNumberMarker", String(last.number)) }
    xml.element("MaxParts", String(p.maxParts))
    xml.element("IsTruncated", isTruncated ? "true" : "false")
    for part in page {
      xml.open("Part")
      xml.element("PartNumber", String(part.number))
      xml.element("LastModified", S3Date.iso8601(part.lastModified))
      xml.element("ETag", "\"\(part.etag)\"")
      xml.element("Size", String(part.size))
      if let checksum = part.checksum, let name = upload.checksumAlgorithm {
        xml.element("Checksum" + name, checksum)
      }
      xml.close("Part")
    }
    xml.close("ListPartsResult")
    return xmlResponse(xml)
  }

  /// ListMultipartUploads.
  func listMultipartUploads(_ bucket: String, _ p: ListUploadsParameters) throws -> HTTPResponse {
    let page = try store.listMultipartUploads(
      bucket: bucket, prefix: p.prefix, delimiter: p.delimiter, keyMarker: p.keyMarker,
      uploadIDMarker: p.uploadIDMarker, maxUploads: p.maxUploads)
    func encode(_ text: String) -> String { listingText(text, urlEncoded: p.encodingTypeURL) }
    var xml = XMLWriter()
    xml.open("ListMultipartUploadsResult", namespace: s3XMLNamespace)
    xml.element("Bucket", bucket)
    xml.element("KeyMarker", encode(p.keyMarker ?? ""))
    xml.element("UploadIdMarker", p.uploadIDMarker ?? "")
    if page.isTruncated {
      xml.element("NextKeyMarker", encode(page.nextKeyMarker ?? ""))
      xml.element("NextUploadIdMarker", page.nextUploadIDMarker ?? "")
    }
    if let delimiter = p.delimiter { xml.element("Delimiter", encode(delimiter)) }
    xml.element("Prefix", encode(p.prefix))
    if p.encodingTypeURL { xml.element("EncodingType", "url") }
    xml.element("MaxUploads", String(p.maxUploads))
    xml.element("IsTruncated", page.isTruncated ? "true" : "false")
    for upload in page.uploads {
      xml.open("Upload")
      xml.element("Key", encode(upload.key))
      xml.element("UploadId", upload.id)
      writeInitiatorAndOwner(&xml)
      xml.element("StorageClass", "STANDARD")
      xml.element("Initiated", S3Date.iso8601(upload.initiated))
      if let algorithm = upload.checksumAlgorithm {
        xml.element("ChecksumAlgorithm", algorithm)
        xml.element("ChecksumType", upload.checksumType ?? "COMPOSITE")
      }
      xml.close("Upload")
    }
    writeCommonPrefixes(&xml, page.commonPrefixes, urlEncoded: p.encodingTypeURL)
    xml.close("ListMultipartUploadsResult")
    return xmlResponse(xml)
  }

  func writeInitiatorAndOwner(_ xml: inout XMLWriter) {
    xml.open("Initiator")
    xml.element("ID", ownerID)
    xml.element("DisplayName", Owner.displayName)
    xml.close("Initiator")
    writeOwner(&xml)
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
