extension LakeStore {
  private static let forbiddenPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"]
  private static let forbiddenSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]

  /// Checks the S3 general-purpose bucket naming rules: 3 to 63 characters of lowercase
  /// letters, digits, `.` and `-`; starts and ends with a letter or digit; no `..`; not
  /// formatted as an IPv4 address; no reserved prefix (`xn--`, `sthree-`, `amzn-s3-demo-`) or
  /// suffix (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`).
  /// See https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
  ///
  /// Throws `.invalidBucketName` with the broken rule. Pure; callable from any thread.
  public static func validateBucketName(_ name: String) throws(LakeError) {
    let bytes = Array(name.utf8)
    guard (3...63).contains(bytes.count) else {
      throw .invalidBucketName("must be between 3 and 63 characters long")
    }
    let isLetterOrDigit = { (byte: UInt8) in
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
    guard
      bytes.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
      )
    else {
      throw .invalidBucketName("may contain only lowercase letters, digits, '.' and '-'")
    }
    guard isLetterOrDigit(bytes[0]), isLetterOrDigit(bytes[bytes.count - 1]) else {
      throw .invalidBucketName("must begin and end with a letter or digit")
    }
    if name.contains("..") { throw .invalidBucketName("must not contain two adjacent periods") }
    if isIPv4Shaped(name) { throw .invalidBucketName("must not be formatted as an IP address") }
    if let prefix = forbiddenPrefixes.first(where: name.hasPrefix) {
      throw .invalidBucketName("must not start with '\(prefix)'")
    }
    if let suffix = forbiddenSuffixes.first(where: name.hasSuffix) {
      throw .invalidBucketName("must not end with '\(suffix)'")
    }
  }

  /// Four dot-separated groups of 1-3 digits, like `192.168.5.4`.
  private static func isIPv4Shaped(_ name: String) -> Bool {
    let groups = name.split(separator: ".", omittingEmptySubsequences: false)
    return groups.count == 4
      && groups.allSatisfy { group in
        (1...3).contains(group.count) && group.utf8.allSatisfy { (48...57).contains($0) }
      }
  }
}
