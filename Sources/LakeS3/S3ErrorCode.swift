/// An S3 error code with the HTTP status S3 answers it with.
///
/// Codes and statuses follow the "Error responses" page of the Amazon S3 API reference.
public struct S3ErrorCode: Sendable, Hashable, CustomStringConvertible {
  /// The `<Code>` value, e.g. `NoSuchKey`.
  public let code: String
  /// The HTTP status code sent with it.
  public let status: Int
  /// The message used when the caller gives none.
  public let defaultMessage: String

  public init(_ code: String, _ status: Int, _ defaultMessage: String) {
    self.code = code
    self.status = status
    self.defaultMessage = defaultMessage
  }

  public var description: String { code }

  public static func == (lhs: S3ErrorCode, rhs: S3ErrorCode) -> Bool { lhs.code == rhs.code }
  public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension S3ErrorCode {
  public static let accessDenied = S3ErrorCode("AccessDenied", 403, "Access Denied")
  public static let authorizationHeaderMalformed = S3ErrorCode(
    "AuthorizationHeaderMalformed", 400, "The authorization header is malformed.")
  public static let authorizationQueryParametersError = S3ErrorCode(
    "AuthorizationQueryParametersError", 400, "The authorization query parameters are malformed.")
  public static let badDigest = S3ErrorCode(
    "BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
  public static let bucketAlreadyOwnedByYou = S3ErrorCode(
    "BucketAlreadyOwnedByYou", 409,
    "Your previous request to create the named bucket succeeded and you already own it.")
  public static let bucketNotEmpty = S3ErrorCode(
    "BucketNotEmpty", 409, "The bucket you tried to delete is not empty.")
  public static let entityTooLarge = S3ErrorCode(
    "EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size.")
  public static let illegalLocationConstraint = S3ErrorCode(
    "IllegalLocationConstraintException", 400,
    "The specified location constraint is not valid for this server's region.")
  public static let incompleteBody = S3ErrorCode(
    "IncompleteBody", 400,
    "You did not provide the number of bytes specified by the Content-Length HTTP header.")
  public static let internalError = S3ErrorCode(
    "InternalError", 500, "We encountered an internal error. Please try again.")
  public static let invalidAccessKeyId = S3ErrorCode(
    "InvalidAccessKeyId", 403, "The AWS access key Id you provided does not exist in our records.")
  public static let invalidArgument = S3ErrorCode("InvalidArgument", 400, "Invalid Argument")
  public static let invalidBucketName = S3ErrorCode(
    "InvalidBucketName", 400, "The specified bucket is not valid.")
  public static let invalidDigest = S3ErrorCode(
    "InvalidDigest", 400, "The Content-MD5 you specified is not valid.")
  public static let invalidLocationConstraint = S3ErrorCode(
    "InvalidLocationConstraint", 400, "The specified location-constraint is not valid.")
  public static let invalidPart = S3ErrorCode(
    "InvalidPart", 400, "One or more of the specified parts could not be found.")
  public static let invalidRange = S3ErrorCode(
    "InvalidRange", 416, "The requested range is not satisfiable")
  public static let invalidRequest = S3ErrorCode("InvalidRequest", 400, "Invalid Request")
  public static let keyTooLong = S3ErrorCode("KeyTooLongError", 400, "Your key is too long.")
  public static let malformedTrailer = S3ErrorCode(
    "MalformedTrailerError", 400,
    "The request contained trailing data that was not well-formed or did not conform to our published schema."
  )
  public static let malformedXML = S3ErrorCode(
    "MalformedXML", 400,
    "The XML you provided was not well-formed or did not validate against our published schema.")
  public static let metadataTooLarge = S3ErrorCode(
    "MetadataTooLarge", 400,
    "Your metadata headers exceed the maximum allowed metadata size.")
  public static let methodNotAllowed = S3ErrorCode(
    "MethodNotAllowed", 405, "The specified method is not allowed against this resource.")
  public static let missingContentLength = S3ErrorCode(
    "MissingContentLength", 411, "You must provide the Content-Length HTTP header.")
  public static let missingSecurityHeader = S3ErrorCode(
    "MissingSecurityHeader", 400, "Your request is missing a required header.")
  public static let noSuchBucket = S3ErrorCode(
    "NoSuchBucket", 404, "The specified bucket does not exist.")
  public static let noSuchKey = S3ErrorCode("NoSuchKey", 404, "The specified key does not exist.")
  /// LakeStore's own: a catalog API path (`/_lake/v1/...`) that names no resource.
  public static let noSuchResource = S3ErrorCode(
    "NoSuchResource", 404, "The catalog API has no such resource.")
  public static let notImplemented = S3ErrorCode(
    "NotImplemented", 501,
    "A header or query you provided implies functionality that is not implemented.")
  public static let preconditionFailed = S3ErrorCode(
    "PreconditionFailed", 412, "At least one of the preconditions you specified did not hold.")
  public static let requestTimeout = S3ErrorCode(
    "RequestTimeout", 400,
    "Your socket connection to the server was not read from or written to within the timeout period."
  )
  public static let requestTimeTooSkewed = S3ErrorCode(
    "RequestTimeTooSkewed", 403,
    "The difference between the request time and the server's time is too large.")
  public static let signatureDoesNotMatch = S3ErrorCode(
    "SignatureDoesNotMatch", 403,
    "The request signature we calculated does not match the signature you provided. Check your key and signing method."
  )
  public static let slowDown = S3ErrorCode("SlowDown", 503, "Please reduce your request rate.")
  public static let serviceUnavailable = S3ErrorCode(
    "ServiceUnavailable", 503, "Please reduce your request rate.")
  public static let xAmzContentSHA256Mismatch = S3ErrorCode(
    "XAmzContentSHA256Mismatch", 400,
    "The provided 'x-amz-content-sha256' header does not match what was computed.")
  public static let invalidToken = S3ErrorCode(
    "InvalidToken", 400, "The provided token is malformed or otherwise invalid.")
}
