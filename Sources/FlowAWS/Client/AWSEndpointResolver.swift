/// Chooses the endpoint of each service as the AWS CLI does: `--endpoint-url`, then
/// `AWS_ENDPOINT_URL_<SERVICE>` (`AWS_ENDPOINT_URL_S3`, `…_CLOUDWATCH_LOGS`, `…_EC2`, `…_STS`), then
/// `AWS_ENDPOINT_URL`, then the profile's `endpoint_url`, then AWS's regional endpoint.
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` ignores the variables and the profile.
public struct AWSEndpointResolver: Sendable, Hashable {
    public var region: String
    /// `--endpoint-url`: applies to every service the client calls.
    public var explicitURL: String?
    public var environment: AWSEnvironment
    public var profileSettings: [String: String]

    public init(
        region: String, explicitURL: String? = nil, environment: AWSEnvironment, profileSettings: [String: String] = [:]
    ) {
        self.region = region
        self.explicitURL = explicitURL
        self.environment = environment
        self.profileSettings = profileSettings
    }

    public func endpoint(for service: AWSService) throws -> AWSEndpoint {
        if let explicitURL, !explicitURL.isEmpty { return try AWSEndpoint(url: explicitURL) }
        let ignoreConfigured =
            environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
            || profileSettings["ignore_configured_endpoint_urls"]?.lowercased() == "true"
        if !ignoreConfigured {
            if let url = environment["AWS_ENDPOINT_URL_\(service.endpointID)"] { return try AWSEndpoint(url: url) }
            if let url = environment["AWS_ENDPOINT_URL"] { return try AWSEndpoint(url: url) }
            if let url = profileSettings["endpoint_url"], !url.isEmpty { return try AWSEndpoint(url: url) }
        }
        return .aws(service, region: region)
    }
}
