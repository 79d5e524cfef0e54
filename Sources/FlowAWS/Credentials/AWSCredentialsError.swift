/// Credentials could not be found or fetched. Lists each provider tried and why it gave none,
/// never a secret.
public struct AWSCredentialsError: Error, Sendable, CustomStringConvertible, Equatable {
    /// One provider's outcome.
    public struct Attempt: Sendable, Hashable, CustomStringConvertible {
        public var provider: String
        public var reason: String
        public init(provider: String, reason: String) {
            self.provider = provider
            self.reason = reason
        }
        public var description: String { "\(provider): \(reason)" }
    }

    public var message: String
    public var attempts: [Attempt]
    /// True when the provider is simply not set up here (no variables, no profile, not on EC2),
    /// as opposed to set up and failing.
    public var isNotConfigured: Bool

    public init(message: String, attempts: [Attempt] = [], isNotConfigured: Bool = false) {
        self.message = message
        self.attempts = attempts
        self.isNotConfigured = isNotConfigured
    }

    /// The provider has nothing to offer here; the chain moves on.
    public static func notConfigured(_ provider: String, _ reason: String) -> AWSCredentialsError {
        AWSCredentialsError(
            message: "\(provider): \(reason)", attempts: [Attempt(provider: provider, reason: reason)],
            isNotConfigured: true)
    }

    /// The provider is set up but failed; the chain stops here, as the AWS CLI does.
    public static func failed(_ provider: String, _ reason: String) -> AWSCredentialsError {
        AWSCredentialsError(
            message: "\(provider): \(reason)", attempts: [Attempt(provider: provider, reason: reason)])
    }

    public var description: String {
        guard attempts.count > 1 else { return message }
        return message + "; tried: " + attempts.map(\.description).joined(separator: "; ")
    }
}
