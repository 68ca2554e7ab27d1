import Foundation

/// Every failure a ``LakeClient`` call throws: an S3 error answered by the service, or a
/// failure to reach it, or a local problem (a file that cannot be read or written).
///
/// `description` is one line, `Code: message`, fit for a command line.
public struct LakeClientError: Error, Sendable, CustomStringConvertible {
  /// What kind of failure this is.
  public enum Kind: Sendable, Equatable {
    /// The service answered with an error (`code` is its S3 code, such as `NoSuchKey`).
    case service
    /// The service could not be reached, or the connection failed or timed out.
    case transport
    /// The service answered something that is not a valid S3 response.
    case invalidResponse
    /// A local file or stream failed.
    case local
    /// The configuration is incomplete or wrong.
    case configuration
    /// The task was cancelled.
    case cancelled
  }

  public var kind: Kind
  /// The S3 error code (`NoSuchKey`, `PreconditionFailed`...) or, for other kinds, a short
  /// name of the failure (`ConnectionFailed`, `Timeout`, `FileError`...).
  public var code: String
  /// What went wrong, in words.
  public var message: String
  /// The HTTP status of the answer, when there was one.
  public var status: Int?
  /// The `x-amz-request-id` of the answer, when there was one.
  public var requestID: String?
  /// The bucket or key the error is about, when known.
  public var resource: String?

  public init(
    _ kind: Kind, code: String, message: String, status: Int? = nil, requestID: String? = nil,
    resource: String? = nil
  ) {
    self.kind = kind
    self.code = code
    self.message = message
    self.status = status
    self.requestID = requestID
    self.resource = resource
  }

  public var description: String { "\(code): \(message)" }

  /// True for a service error with this S3 code.
  public func isCode(_ code: String) -> Bool { kind == .service && self.code == code }

  static func local(_ message: String, resource: String? = nil) -> LakeClientError {
    LakeClientError(.local, code: "FileError", message: message, resource: resource)
  }

  static func invalidResponse(_ message: String, status: Int? = nil, requestID: String? = nil)
    -> LakeClientError
  {
    LakeClientError(
      .invalidResponse, code: "InvalidResponse", message: message, status: status,
      requestID: requestID)
  }

  static let cancelled = LakeClientError(
    .cancelled, code: "Cancelled", message: "the operation was cancelled")
}
