/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN` (or the older
/// `AWS_SECURITY_TOKEN`) and `AWS_CREDENTIAL_EXPIRATION`.
public struct EnvironmentCredentialsProvider: AWSCredentialsProvider {
    public let environment: AWSEnvironment
    public var name: String { "environment variables" }

    public init(environment: AWSEnvironment) {
        self.environment = environment
    }

    public func credentials() async throws -> AWSCredentials {
        let accessKey = environment["AWS_ACCESS_KEY_ID"]
        let secretKey = environment["AWS_SECRET_ACCESS_KEY"]
        switch (accessKey, secretKey) {
        case (nil, nil):
            throw AWSCredentialsError.notConfigured(name, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        case (nil, _):
            throw AWSCredentialsError.failed(name, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        case (_, nil):
            throw AWSCredentialsError.failed(name, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        case (let accessKey?, let secretKey?):
            return AWSCredentials(
                accessKeyID: accessKey, secretAccessKey: secretKey,
                sessionToken: environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"],
                expiration: environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(ISO8601.date))
        }
    }
}
