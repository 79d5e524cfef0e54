/// What `AWSClient` needs to know, as the CLI's options give it. Every field is optional: unset
/// fields are resolved from the environment and `~/.aws` files the way the AWS CLI resolves them.
public struct AWSClientConfiguration: Sendable {
    /// `--region`; else `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`.
    public var region: String?
    /// `--profile`; else `AWS_PROFILE`, else `default`.
    public var profile: String?
    /// `--endpoint-url` for every service; else `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`,
    /// the profile's `endpoint_url`, AWS's own endpoint.
    public var endpointURL: String?
    /// `--role-arn`: assume this role with whatever credentials the chain finds.
    public var roleARN: String?
    public var roleSessionName: String?
    /// Fixed credentials instead of the chain (tests, embedding).
    public var credentials: AWSCredentials?
    /// A provider instead of the chain; takes precedence over `credentials`.
    public var credentialsProvider: (any AWSCredentialsProvider)?
    public var retryPolicy: AWSRetryPolicy
    /// The deadline of one attempt (request sent to answer head received).
    public var timeout: Duration
    public var environment: AWSEnvironment

    public init(
        region: String? = nil, profile: String? = nil, endpointURL: String? = nil, roleARN: String? = nil,
        roleSessionName: String? = nil, credentials: AWSCredentials? = nil,
        credentialsProvider: (any AWSCredentialsProvider)? = nil, retryPolicy: AWSRetryPolicy = .default,
        timeout: Duration = .seconds(60), environment: AWSEnvironment = .process
    ) {
        self.region = region
        self.profile = profile
        self.endpointURL = endpointURL
        self.roleARN = roleARN
        self.roleSessionName = roleSessionName
        self.credentials = credentials
        self.credentialsProvider = credentialsProvider
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        self.environment = environment
    }
}
