import Foundation
import LakeS3

extension LakeClient {
  /// The error an unsuccessful answer stands for: the `<Error>` document when there is one,
  /// else (HEAD answers have no body) a code from the status.
  func serviceError(_ response: Response, request: S3Request) -> LakeClientError {
    if !response.body.isEmpty, let document = try? S3ErrorDocument(bytes: Array(response.body)) {
      return LakeClientError(
        .service, code: document.code, message: document.message, status: response.status,
        requestID: document.requestID ?? response.requestID,
        resource: document.resource ?? request.resource)
    }
    let code: String
    let message: String
    switch response.status {
    case 304: (code, message) = ("NotModified", "the object was not modified")
    case 400: (code, message) = ("BadRequest", "the service refused the request")
    case 403: (code, message) = ("AccessDenied", "access denied")
    case 404:
      if request.key != nil {
        (code, message) = ("NoSuchKey", "the key does not exist")
      } else {
        (code, message) = ("NoSuchBucket", "the bucket does not exist")
      }
    case 412: (code, message) = ("PreconditionFailed", "a precondition does not hold")
    case 416: (code, message) = ("InvalidRange", "the range is not satisfiable")
    default: (code, message) = ("HTTP\(response.status)", "the service answered \(response.status)")
    }
    return LakeClientError(
      .service, code: code, message: message, status: response.status,
      requestID: response.requestID, resource: request.resource)
  }
}
