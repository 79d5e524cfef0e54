/// A small AWS client: S3, CloudWatch Logs, EC2 and STS calls, signed with SigV4, over one shared
/// HTTP connection pool.
///
/// Create one per run, share it between tasks (it is `Sendable`), and call `shutdown()` once at
/// the end. Region, credentials and endpoints are resolved once, at creation, like the AWS CLI.
///
/// ```swift
/// let aws = try AWSClient(configuration: .init(region: options.region, profile: options.profile))
/// defer { Task { try await aws.shutdown() } }
/// let page = try await aws.listObjectsV2(bucket: "logs", prefix: "AWSLogs/")
/// ```
public final class AWSClient: Sendable {
    public let region: String
    /// The profile settings came from (`--profile`, `AWS_PROFILE` or `default`).
    public let profile: String
    public let credentialsProvider: any AWSCredentialsProvider
    public let endpoints: AWSEndpointResolver
    let transport: AWSTransport

    /// Resolves region, endpoints and the credential chain.
    ///
    /// - Throws: `AWSConfigurationError` when no region is set, a named profile does not exist, or
    ///   an endpoint URL is malformed. Credentials are looked up lazily, at the first call.
    public init(configuration: AWSClientConfiguration = .init()) throws {
        let environment = configuration.environment
        let sharedConfig = try AWSSharedConfig(environment: environment)
        let explicitProfile = configuration.profile.flatMap { $0.isEmpty ? nil : $0 }
        let profile = explicitProfile ?? environment["AWS_PROFILE"] ?? "default"
        if profile != "default" && sharedConfig.profile(profile) == nil && configuration.credentials == nil
            && configuration.credentialsProvider == nil
        {
            throw AWSConfigurationError(
                "The profile '\(profile)' is not in \(environment.sharedCredentialsFile) or \(environment.configFile)")
        }
        let region = try AWSRegionResolver.resolve(
            explicit: configuration.region, profile: profile, environment: environment, sharedConfig: sharedConfig)
        let endpoints = AWSEndpointResolver(
            region: region, explicitURL: configuration.endpointURL, environment: environment,
            profileSettings: sharedConfig.profile(profile) ?? [:])
        for service in [AWSService.s3, .cloudWatchLogs, .ec2, .sts] { _ = try endpoints.endpoint(for: service) }
        let transport = AWSTransport(retryPolicy: configuration.retryPolicy, timeout: configuration.timeout)
        let sts = STSQuery(transport: transport, endpoint: try endpoints.endpoint(for: .sts), region: region)

        let provider: any AWSCredentialsProvider
        if let given = configuration.credentialsProvider {
            provider = given
        } else if let credentials = configuration.credentials {
            provider = StaticCredentialsProvider(credentials)
        } else {
            do {
                provider = try AWSCredentialsResolver(
                    profile: profile, profileIsExplicit: explicitProfile != nil, roleARN: configuration.roleARN,
                    roleSessionName: configuration.roleSessionName, environment: environment,
                    sharedConfig: sharedConfig, transport: transport, sts: sts
                ).provider()
            } catch {
                transport.shutdownNow()
                throw error
            }
        }
        self.region = region
        self.profile = profile
        self.endpoints = endpoints
        self.transport = transport
        self.credentialsProvider = provider
    }

    /// Closes the connection pool. Call once, after the last request has finished.
    public func shutdown() async throws {
        try await transport.shutdown()
    }

    /// The credentials requests are signed with now (fetching or refreshing them if needed).
    public func resolveCredentials() async throws -> AWSCredentials {
        try await credentialsProvider.credentials()
    }

    func endpoint(_ service: AWSService) throws -> AWSEndpoint {
        try endpoints.endpoint(for: service)
    }

    func send(_ request: AWSRequest) async throws -> AWSResponse {
        try await transport.send(request, region: region, credentials: credentialsProvider)
    }

    var sts: STSQuery {
        get throws { STSQuery(transport: transport, endpoint: try endpoint(.sts), region: region) }
    }
}
