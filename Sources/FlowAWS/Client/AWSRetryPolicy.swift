/// When and how long to wait before trying a failed call again.
///
/// Throttling (429, S3's 503 SlowDown, `Throttling`, `ThrottlingException`,
/// `RequestLimitExceeded`, …), every 5xx and failed connections are retried; other 4xx are not.
/// The wait before attempt *n* (n ≥ 2) is a uniformly random time between zero and
/// `min(maxDelay, baseDelay × 2^(n−2))`: exponential backoff with full jitter, so clients that
/// were throttled together do not come back together.
public struct AWSRetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first one included; 1 disables retries.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public static let `default` = AWSRetryPolicy()

    /// AWS error codes that mean "slow down" whatever the HTTP status.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// AWS error codes for transient server-side trouble.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
        "IDPCommunicationError",
    ]

    /// Whether an HTTP answer with this status and AWS error code is worth another attempt.
    public func isRetryable(statusCode: Int, errorCode: String?) -> Bool {
        if statusCode == 429 || statusCode >= 500 { return true }
        guard let errorCode else { return false }
        return Self.throttlingCodes.contains(errorCode) || Self.transientCodes.contains(errorCode)
    }

    /// The random wait before `attempt` (2 for the first retry).
    public func delay(beforeAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 2, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let ceilingSeconds = Double(ceiling.components.seconds) + Double(ceiling.components.attoseconds) / 1e18
        return .nanoseconds(Int64(Double.random(in: 0...max(ceilingSeconds, 0)) * 1e9))
    }
}
