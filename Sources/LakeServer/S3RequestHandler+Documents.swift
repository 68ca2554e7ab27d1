import LakeCore
import LakeHTTP
import LakeS3

extension S3RequestHandler {
  /// A 200 (or `status`) answer carrying `document` (`application/xml`).
  func xmlResponse(
    _ document: some S3Document, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()
  ) -> HTTPResponse {
    var headers = headers
    headers.replaceOrAdd(name: "Content-Type", value: "application/xml")
    return HTTPResponse(status: status, headers: headers, body: .bytes(document.xml().bytes))
  }

  /// The owner (and initiator) every bucket, object and upload reports.
  var owner: S3Owner { S3Owner(id: ownerID, displayName: Owner.displayName) }
}

extension ObjectChecksum {
  /// The checksum as documents carry it. The catalog only holds `ChecksumAlgorithm` and
  /// `ChecksumType` raw values, so neither conversion fails for a stored checksum.
  var documentValue: ChecksumValue? {
    ChecksumAlgorithm(rawValue: algorithm).map { ChecksumValue(algorithm: $0, value: value) }
  }

  var documentType: ChecksumType? { ChecksumType(rawValue: type) }
}
