/// Tries providers in order and returns the first credentials found.
///
/// A provider that is not set up here (`isNotConfigured`) passes to the next; one that is set up
/// but fails stops the chain, as in the AWS CLI, so a broken role is reported rather than silently
/// replaced by other credentials. Either way the error lists every provider tried and why.
public struct AWSCredentialsChain: AWSCredentialsProvider {
    public let providers: [any AWSCredentialsProvider]

    public var name: String { "credential chain (" + providers.map(\.name).joined(separator: ", ") + ")" }

    public init(_ providers: [any AWSCredentialsProvider]) {
        self.providers = providers
    }

    public func credentials() async throws -> AWSCredentials {
        var attempts: [AWSCredentialsError.Attempt] = []
        for provider in providers {
            do {
                return try await provider.credentials()
            } catch let error as AWSCredentialsError {
                attempts +=
                    error.attempts.isEmpty
                    ? [.init(provider: provider.name, reason: error.message)] : error.attempts
                if !error.isNotConfigured {
                    throw AWSCredentialsError(
                        message:
                            "AWS credentials from \(provider.name) failed: \(error.attempts.last?.reason ?? error.message)",
                        attempts: attempts)
                }
            } catch {
                attempts.append(.init(provider: provider.name, reason: String(describing: error)))
                throw AWSCredentialsError(
                    message: "AWS credentials from \(provider.name) failed: \(error)", attempts: attempts)
            }
        }
        throw AWSCredentialsError(
            message: "No AWS credentials found. Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, use --profile or "
                + "AWS_PROFILE with ~/.aws/credentials, or run where a role is available (web identity, ECS, EC2)",
            attempts: attempts, isNotConfigured: true)
    }
}
