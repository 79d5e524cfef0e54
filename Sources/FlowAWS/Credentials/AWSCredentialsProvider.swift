/// A source of AWS credentials: environment variables, a profile, STS, the ECS or EC2 endpoints.
///
/// Providers are called for every request; those that fetch temporary credentials are wrapped in
/// `AWSCredentialsCache`, which fetches again only shortly before expiry.
public protocol AWSCredentialsProvider: Sendable {
    /// What this provider is, for messages: `environment variables`, `profile dev in ~/.aws/credentials`.
    var name: String { get }

    /// Credentials to sign with.
    ///
    /// - Throws: `AWSCredentialsError` with `isNotConfigured` when this source is not set up here
    ///   (the chain then tries the next one), or another error when it is set up but failed.
    func credentials() async throws -> AWSCredentials
}

/// Fixed credentials, given in code.
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    public let name: String
    private let value: AWSCredentials

    public init(_ credentials: AWSCredentials, name: String = "static credentials") {
        self.value = credentials
        self.name = name
    }

    public func credentials() async throws -> AWSCredentials { value }
}
