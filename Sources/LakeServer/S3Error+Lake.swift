import Glibc
import LakeCore
import LakeS3

extension S3Error {
  /// The S3 error a storage error is answered with.
  init(lake error: LakeError) {
    switch error {
    case .invalidBucketName(let reason):
      self.init(.invalidBucketName, "The specified bucket is not valid: \(reason)")
    case .noSuchBucket(let name):
      self.init(.noSuchBucket, extra: [("BucketName", name)])
    case .bucketAlreadyExists(let name):
      self.init(
        S3ErrorCode("BucketAlreadyExists", 409, "The requested bucket name is not available."),
        extra: [("BucketName", name)])
    case .bucketNotEmpty(let name):
      self.init(.bucketNotEmpty, extra: [("BucketName", name)])
    case .noSuchKey(_, let key):
      self.init(.noSuchKey, extra: [("Key", key)])
    case .invalidKey(let reason):
      if reason.lowercased().contains("long") {
        self.init(.keyTooLong, "Your key is too long: \(reason)")
      } else {
        self.init(.invalidArgument, "The object key is not valid: \(reason)")
      }
    case .preconditionFailed:
      self.init(.preconditionFailed)
    case .digestMismatch:
      self.init(.badDigest)
    case .noSuchUpload(let id):
      self.init(.noSuchUpload, extra: [("UploadId", id)])
    case .invalidPart(let reason):
      self.init(
        .invalidPart,
        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag (\(reason))."
      )
    case .invalidPartOrder:
      self.init(.invalidPartOrder)
    case .entityTooSmall(let part, let size, let minimum):
      self.init(
        .entityTooSmall,
        extra: [
          ("ProposedSize", String(size)), ("MinSizeAllowed", String(minimum)),
          ("PartNumber", String(part)),
        ])
    case .entityTooLarge(let size, let limit):
      self.init(
        .entityTooLarge, extra: [("ProposedSize", String(size)), ("MaxSizeAllowed", String(limit))])
    case .uploadBusy:
      self.init(.operationAborted)
    case .io(_, _, let code) where code == ENOSPC || code == EDQUOT:
      self.init(
        S3ErrorCode("InsufficientStorage", 507, "The server has no space left to store the object.")
      )
    case .io, .catalog:
      self.init(.internalError)
    }
  }
}
