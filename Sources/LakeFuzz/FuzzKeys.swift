import Foundation
import LakeS3

/// The fixed credentials and clock of the SigV4 targets (the AWS documentation's example key).
enum FuzzKeys {
  static let accessKey = "AKIAIOSFODNN7EXAMPLE"
  static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  static let region = "us-east-1"
  /// 2013-05-24T00:00:00Z, the date of the AWS examples and of the seed requests.
  static let now = Date(timeIntervalSince1970: 1_369_353_600)
  /// 10000-01-01T00:00:00Z: a server clock never reads later than this, so harnesses use a
  /// parsed date as "now" only below it.
  static let lastRealisticSecond: TimeInterval = 253_402_300_800

  static let verifier = SigV4Verifier(region: region) { $0 == accessKey ? secretKey : nil }
  static let signer = SigV4Signer(accessKey: accessKey, secretKey: secretKey, region: region)

  /// Whether `date` is one a server clock could show (1970 to 9999).
  static func isRealistic(_ date: Date) -> Bool {
    date.timeIntervalSince1970 >= 0 && date.timeIntervalSince1970 < lastRealisticSecond
  }
}

/// Runs the verifier; returns the authentication or the S3 error code it threw.
func fuzzVerify(_ request: SigV4RequestView, now: Date) -> Result<SigV4Authentication?, S3Error> {
  do throws(S3Error) {
    return .success(try FuzzKeys.verifier.verify(request, now: now))
  } catch {
    fuzzCheck((400...599).contains(error.status), "status \(error.status) for \(error)")
    return .failure(error)
  }
}
