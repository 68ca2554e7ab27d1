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
    let upload = try store.createMultipartUpload(bucket: bucket, key: key, metadata: metadata)
    var xml = XMLWriter()
    xml.open("InitiateMultipartUploadResult", namespace: s3XMLNamespace)
    xml.element("Bucket", bucket)
    xml.element("Key", key)
    xml.element("UploadId", upload.id)
    xml.close("InitiateMultipartUploadResult")
    return xmlResponse(xml)
  }

  /// CompleteMultipartUpload: parses the part list and assembles the object.
  func completeMultipartUpload(
    _ bucket: String, _ key: String, _ uploadID: String, _ request: S3Request
  ) throws -> HTTPResponse {
    let condition = try writeCondition(request)
    let parts = try completedParts(
      readDocument(request, limit: Self.maxCompleteDocumentBytes))
    let limits = MultipartLimits(
      minPartSize: configuration.minPartSize, maxObjectSize: configuration.maxMultipartObjectSize)
    let info: ObjectInfo
    do {
      info = try store.completeMultipartUpload(
        uploadID: uploadID, bucket: bucket, key: key, parts: parts, limits: limits,
        condition: condition
      ) { (upload, _) throws(LakeError) in upload.metadata }
    } catch .preconditionFailed {
      if case .ifMatch = condition, (try? store.objectInfo(bucket: bucket, key: key)) == nil {
        throw S3Error(.noSuchKey, extra: [("Key", key)])
      }
      throw S3Error(.preconditionFailed, extra: [("Condition", conditionName(condition))])
    }
    var xml = XMLWriter()
    xml.open("CompleteMultipartUploadResult", namespace: s3XMLNamespace)
    xml.element("Location", location(of: key, in: bucket, request))
    xml.element("Bucket", bucket)
    xml.element("Key", key)
    xml.element("ETag", "\"\(info.etag)\"")
    xml.close("CompleteMultipartUploadResult")
    return xmlResponse(xml)
  }

  /// The `<Part>` entries of a CompleteMultipartUpload document, in the order given.
  func completedParts(_ bytes: [UInt8]) throws -> [CompletedPart] {
    let root: XMLElement
    do {
      root = try XMLReader.parse(bytes)
    } catch {
      throw S3Error(.malformedXML)
    }
    guard root.name == "CompleteMultipartUpload" else { throw S3Error(.malformedXML) }
    var parts: [CompletedPart] = []
    for element in root.children where element.name == "Part" {
      guard let numberText = element.child("PartNumber")?.text,
        let number = Int(numberText.trimmingCharacters(in: .whitespacesAndNewlines)),
        (1...10_000).contains(number), let etag = element.child("ETag")?.text
      else {
        throw S3Error(.malformedXML)
      }
      parts.append(CompletedPart(number: number, etag: etag))
    }
    if parts.isEmpty {
      throw S3Error(
        .malformedXML,
        "The XML you provided was not well-formed or did not validate against our published schema: a Complete needs at least one part."
      )
    }
    return parts
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
    func encode(_ text: String) -> String {
      p.encodingTypeURL ? URIEncoding.encode(text, keepSlash: true) : text
    }
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
      xml.close("Upload")
    }
    for prefix in page.commonPrefixes {
      xml.open("CommonPrefixes")
      xml.element("Prefix", encode(prefix))
      xml.close("CommonPrefixes")
    }
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
