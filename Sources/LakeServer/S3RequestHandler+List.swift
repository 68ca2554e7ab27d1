import Foundation
import LakeCore
import LakeHTTP
import LakeS3

extension S3RequestHandler {
  /// ListObjects (V1) and ListObjectsV2, answered from the catalog with one range scan per
  /// page.
  func listObjects(
    _ bucket: String, _ p: ListObjectsParameters, version: Int, _ request: S3Request
  ) throws -> HTTPResponse {
    var after: String?
    if version == 2 {
      if let token = p.continuationToken, !token.isEmpty {
        guard let key = ContinuationToken.decode(token) else {
          throw S3Error(
            .invalidArgument, "The continuation token provided is incorrect",
            extra: [("ArgumentName", "continuation-token")])
        }
        after = key
      } else if let startAfter = p.startAfter, !startAfter.isEmpty {
        after = startAfter
      }
    } else if let marker = p.marker, !marker.isEmpty {
      after = marker
    }
    // max-keys=0 answers an empty, untruncated page (as S3 does).
    let page: ListPage
    if p.maxKeys == 0 {
      _ = try store.bucketInfo(bucket)  // NoSuchBucket still applies
      page = ListPage(entries: [], isTruncated: false)
    } else {
      page = try store.listObjects(
        bucket: bucket, prefix: p.prefix, delimiter: p.delimiter, after: after, maxKeys: p.maxKeys)
    }
    func encode(_ text: String) -> String { listingText(text, urlEncoded: p.encodingTypeURL) }
    var xml = XMLWriter()
    xml.open("ListBucketResult", namespace: s3XMLNamespace)
    xml.element("Name", bucket)
    // AWS encodes Prefix in V2 answers only.
    xml.element("Prefix", version == 2 ? encode(p.prefix) : p.prefix)
    if version == 2 {
      if let token = p.continuationToken, !token.isEmpty { xml.element("ContinuationToken", token) }
      if let startAfter = p.startAfter { xml.element("StartAfter", encode(startAfter)) }
    } else {
      xml.element("Marker", encode(p.marker ?? ""))
    }
    if page.isTruncated, let lastItem = page.entries.last?.name {
      if version == 2 {
        xml.element("NextContinuationToken", ContinuationToken.encode(lastItem))
      } else if p.delimiter != nil {
        // S3 returns NextMarker only when a delimiter was given.
        xml.element("NextMarker", encode(lastItem))
      }
    }
    if version == 2 { xml.element("KeyCount", String(page.entries.count)) }
    xml.element("MaxKeys", String(p.maxKeys))
    if let delimiter = p.delimiter { xml.element("Delimiter", encode(delimiter)) }
    if p.encodingTypeURL { xml.element("EncodingType", "url") }
    xml.element("IsTruncated", page.isTruncated ? "true" : "false")
    for entry in page.entries {
      guard case .object(let info) = entry else { continue }
      xml.open("Contents")
      xml.element("Key", encode(info.key))
      xml.element("LastModified", S3Date.iso8601(info.lastModified))
      xml.element("ETag", "\"\(info.etag)\"")
      xml.element("Size", String(info.size))
      if version == 1 || p.fetchOwner { writeOwner(&xml) }
      xml.element("StorageClass", "STANDARD")
      xml.close("Contents")
    }
    writeCommonPrefixes(&xml, page.commonPrefixes, urlEncoded: p.encodingTypeURL)
    xml.close("ListBucketResult")
    return xmlResponse(xml)
  }
}

/// The opaque ListObjectsV2 continuation token: the last key (or common prefix) returned,
/// base64url-encoded behind a version byte.
enum ContinuationToken {
  static func encode(_ key: String) -> String {
    Data([1] + Array(key.utf8)).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  static func decode(_ token: String) -> String? {
    var text = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(
      of: "_", with: "/")
    while text.count % 4 != 0 { text += "=" }
    guard let data = Data(base64Encoded: text), data.first == 1 else { return nil }
    return String(validating: Array(data.dropFirst()), as: UTF8.self)
  }
}

extension S3RequestHandler {
  /// ListObjectVersions on a bucket that never had versioning, as S3 answers it: each object
  /// is its one version, `null`, and the latest.
  func listObjectVersions(_ bucket: String, _ p: ListObjectsParameters, _ request: S3Request)
    throws -> HTTPResponse
  {
    let versionMarker = request.head.query.flatMap(URIEncoding.parseQuery)?
      .first { $0.name == "version-id-marker" }?.value
    if let versionMarker, !versionMarker.isEmpty, p.marker?.isEmpty ?? true {
      throw S3Error(
        .invalidArgument, "A version-id marker cannot be specified without a key marker.",
        extra: [("ArgumentName", "version-id-marker"), ("ArgumentValue", versionMarker)])
    }
    let after = p.marker.flatMap { $0.isEmpty ? nil : $0 }
    let page = try store.listObjects(
      bucket: bucket, prefix: p.prefix, delimiter: p.delimiter, after: after, maxKeys: p.maxKeys)
    func encode(_ text: String) -> String { listingText(text, urlEncoded: p.encodingTypeURL) }
    var xml = XMLWriter()
    xml.open("ListVersionsResult", namespace: s3XMLNamespace)
    xml.element("Name", bucket)
    xml.element("Prefix", encode(p.prefix))
    xml.element("KeyMarker", encode(p.marker ?? ""))
    xml.element("VersionIdMarker", versionMarker ?? "")
    if page.isTruncated, let last = page.entries.last?.name {
      xml.element("NextKeyMarker", encode(last))
      xml.element("NextVersionIdMarker", "null")
    }
    xml.element("MaxKeys", String(p.maxKeys))
    if let delimiter = p.delimiter { xml.element("Delimiter", encode(delimiter)) }
    if p.encodingTypeURL { xml.element("EncodingType", "url") }
    xml.element("IsTruncated", page.isTruncated ? "true" : "false")
    for entry in page.entries {
      guard case .object(let info) = entry else { continue }
      xml.open("Version")
      xml.element("Key", encode(info.key))
      xml.element("VersionId", "null")
      xml.element("IsLatest", "true")
      xml.element("LastModified", S3Date.iso8601(info.lastModified))
      xml.element("ETag", "\"\(info.etag)\"")
      xml.element("Size", String(info.size))
      writeOwner(&xml)
      xml.element("StorageClass", "STANDARD")
      xml.close("Version")
    }
    writeCommonPrefixes(&xml, page.commonPrefixes, urlEncoded: p.encodingTypeURL)
    xml.close("ListVersionsResult")
    return xmlResponse(xml)
  }

  /// GetBucketVersioning: versioning was never enabled, so the configuration is empty (S3
  /// answers so for such buckets).
  func bucketVersioning(_ bucket: String) throws -> HTTPResponse {
    _ = try store.bucketInfo(bucket)
    var xml = XMLWriter()
    xml.open("VersioningConfiguration", namespace: s3XMLNamespace)
    xml.close("VersioningConfiguration")
    return xmlResponse(xml)
  }
}

extension S3RequestHandler {
  /// A key, prefix, delimiter or marker as a listing answers it: with `encoding-type=url`,
  /// percent-encoded with a space as `%20` (never `+`) and `/` kept.
  func listingText(_ text: String, urlEncoded: Bool) -> String {
    urlEncoded ? URIEncoding.encode(text, keepSlash: true) : text
  }

  /// One `<CommonPrefixes><Prefix>` per rolled-up prefix, in order.
  func writeCommonPrefixes(_ xml: inout XMLWriter, _ prefixes: [String], urlEncoded: Bool) {
    for prefix in prefixes {
      xml.open("CommonPrefixes")
      xml.element("Prefix", listingText(prefix, urlEncoded: urlEncoded))
      xml.close("CommonPrefixes")
    }
  }
}

extension ListPage {
  /// The common prefixes among the entries, in order.
  var commonPrefixes: [String] {
    entries.compactMap { entry in
      if case .commonPrefix(let prefix) = entry { return prefix }
      return nil
    }
  }
}
