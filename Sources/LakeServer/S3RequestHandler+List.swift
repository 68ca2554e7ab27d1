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
    var result = ListBucketResult(
      name: bucket, prefix: p.prefix, delimiter: p.delimiter, maxKeys: p.maxKeys,
      isTruncated: page.isTruncated, encodingTypeURL: p.encodingTypeURL)
    let last = page.isTruncated ? page.entries.last?.name : nil
    if version == 2 {
      result.continuationToken = p.continuationToken.flatMap { $0.isEmpty ? nil : $0 }
      result.startAfter = p.startAfter
      result.nextContinuationToken = last.map(ContinuationToken.encode)
      result.keyCount = page.entries.count
    } else {
      result.marker = p.marker ?? ""
      // S3 returns NextMarker only when a delimiter was given.
      result.nextMarker = p.delimiter == nil ? nil : last
    }
    let owner = version == 1 || p.fetchOwner ? self.owner : nil
    result.contents = page.objects.map {
      .init(key: $0.key, lastModified: $0.lastModified, etag: $0.etag, size: $0.size, owner: owner)
    }
    result.commonPrefixes = page.commonPrefixes
    return xmlResponse(result)
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
    let last = page.isTruncated ? page.entries.last?.name : nil
    let owner = self.owner
    return xmlResponse(
      ListVersionsResult(
        name: bucket, prefix: p.prefix, keyMarker: p.marker ?? "",
        versionIdMarker: versionMarker ?? "", nextKeyMarker: last,
        nextVersionIdMarker: last == nil ? nil : "null", maxKeys: p.maxKeys,
        delimiter: p.delimiter, encodingTypeURL: p.encodingTypeURL,
        isTruncated: page.isTruncated,
        versions: page.objects.map {
          .init(
            key: $0.key, lastModified: $0.lastModified, etag: $0.etag, size: $0.size,
            owner: owner)
        },
        commonPrefixes: page.commonPrefixes))
  }

  /// GetBucketVersioning: versioning was never enabled, so the configuration is empty (S3
  /// answers so for such buckets).
  func bucketVersioning(_ bucket: String) throws -> HTTPResponse {
    _ = try store.bucketInfo(bucket)
    return xmlResponse(VersioningConfiguration())
  }
}

extension ListPage {
  /// The objects among the entries, in order.
  var objects: [ObjectInfo] {
    entries.compactMap { entry in
      if case .object(let info) = entry { return info }
      return nil
    }
  }

  /// The common prefixes among the entries, in order.
  var commonPrefixes: [String] {
    entries.compactMap { entry in
      if case .commonPrefix(let prefix) = entry { return prefix }
      return nil
    }
  }
}
