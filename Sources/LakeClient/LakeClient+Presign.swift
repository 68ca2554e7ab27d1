import Foundation
import LakeS3

extension LakeClient {
  /// A URL anyone can use, without keys, to `GET` (or `PUT`, `HEAD`, `DELETE`) the object
  /// until `expires` seconds from now (at most 7 days, S3's limit). Needs credentials.
  public func presignedURL(
    _ method: String = "GET", bucket: String, key: String, expires: Int = 3600, date: Date = Date()
  ) throws(LakeClientError) -> URL {
    guard let signer else {
      throw LakeClientError(
        .configuration, code: "NoCredentials", message: "presigning needs an access key and secret")
    }
    guard (1...604_800).contains(expires) else {
      throw LakeClientError(
        .configuration, code: "InvalidExpiry",
        message: "a presigned URL expires after 1 second to 7 days (604800 seconds)")
    }
    let address = try S3Address(
      endpoint: configuration.endpoint, addressing: configuration.addressing, bucket: bucket,
      key: key, query: [])
    let query = signer.presign(
      method: method.uppercased(), host: address.host, rawPath: address.rawPath,
      expires: expires, date: date)
    guard let url = URL(string: address.url.absoluteString + "?" + query) else {
      throw .invalidResponse("cannot build the presigned URL")
    }
    return url
  }
}
