import Foundation

/// When a request is tried again: connection failures, timeouts, 5xx answers and `SlowDown`,
/// for requests that may be repeated without changing the outcome, with exponential backoff and
/// full jitter (the delay before attempt `n` is random in `0 ... min(maxDelay, baseDelay * 2^n)`).
public struct RetryPolicy: Sendable, Equatable {
  /// Attempts in all, the first included; 1 turns retries off.
  public var maxAttempts: Int
  /// The backoff's first ceiling, in seconds.
  public var baseDelay: Double
  /// The largest delay between two attempts, in seconds.
  public var maxDelay: Double

  public init(maxAttempts: Int = 4, baseDelay: Double = 0.1, maxDelay: Double = 5) {
    self.maxAttempts = max(1, maxAttempts)
    self.baseDelay = max(0, baseDelay)
    self.maxDelay = max(0, maxDelay)
  }

  /// The delay before retry number `retry` (0 for the first retry).
  func delay(beforeRetry retry: Int) -> Double {
    let ceiling = min(maxDelay, baseDelay * pow(2, Double(min(retry, 30))))
    return ceiling > 0 ? Double.random(in: 0...ceiling) : 0
  }

  /// S3 error codes worth another attempt: the service asked to slow down or failed inside.
  static let retryableCodes: Set<String> = [
    "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed",
    "Throttling", "ThrottlingException",
  ]
}
