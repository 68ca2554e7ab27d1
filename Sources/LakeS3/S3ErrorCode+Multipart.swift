extension S3ErrorCode {
  public static let noSuchUpload = S3ErrorCode(
    "NoSuchUpload", 404,
    "The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload might have been aborted or completed."
  )
  public static let invalidPartOrder = S3ErrorCode(
    "InvalidPartOrder", 400,
    "The list of parts was not in ascending order. The parts list must be specified in order by part number."
  )
  public static let entityTooSmall = S3ErrorCode(
    "EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.")
  public static let operationAborted = S3ErrorCode(
    "OperationAborted", 409,
    "A conflicting conditional operation is currently in progress against this resource. Try again."
  )
}
