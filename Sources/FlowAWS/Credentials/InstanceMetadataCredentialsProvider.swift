/// The instance role of an EC2 instance, through IMDSv2: a session token from
/// `PUT /latest/api/token`, the role name from `/latest/meta-data/iam/security-credentials/`,
/// then that role's credentials.
///
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves the endpoint (tests point it at a local server);
/// `AWS_EC2_METADATA_DISABLED=true` turns the provider off. Off EC2 the endpoint does not answer,
/// so each call waits at most one second and is not retried.
struct InstanceMetadataCredentialsProvider: AWSCredentialsProvider {
    let environment: AWSEnvironment
    let transport: AWSTransport

    var name: String { "EC2 instance metadata" }

    static let defaultEndpoint = "http://169.254.169.254"
    static let tokenTTLSeconds = "21600"
    static let rolesPath = "/latest/meta-data/iam/security-credentials/"

    func credentials() async throws -> AWSCredentials {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            throw AWSCredentialsError.notConfigured(name, "disabled by AWS_EC2_METADATA_DISABLED")
        }
        let url = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? Self.defaultEndpoint
        let endpoint: AWSEndpoint
        do {
            endpoint = try AWSEndpoint(url: url, isCustom: false)
        } catch {
            throw AWSCredentialsError.failed(name, "AWS_EC2_METADATA_SERVICE_ENDPOINT \(url) is not a valid URL")
        }
        let token = try await call(
            "GetToken", endpoint: endpoint, method: "PUT", path: "/latest/api/token",
            headers: [.init("x-aws-ec2-metadata-token-ttl-seconds", Self.tokenTTLSeconds)])
        let tokenHeader = SigV4Request.Header("x-aws-ec2-metadata-token", String(decoding: token, as: UTF8.self))
        let roles = String(
            decoding: try await call("GetRoleName", endpoint: endpoint, path: Self.rolesPath, headers: [tokenHeader]),
            as: UTF8.self)
        guard let role = roles.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw AWSCredentialsError.notConfigured(name, "the instance has no IAM role attached")
        }
        let document = try await call(
            "GetRoleCredentials", endpoint: endpoint, path: Self.rolesPath + PercentEncoding.encode(role),
            headers: [tokenHeader])
        return try CredentialsDocument.parse(document, provider: name)
    }

    private func call(
        _ action: String, endpoint: AWSEndpoint, method: String = "GET", path: String,
        headers: [SigV4Request.Header]
    ) async throws -> [UInt8] {
        let request = AWSRequest(
            service: .instanceMetadata, action: action, resource: endpoint.origin, endpoint: endpoint, method: method,
            path: path, headers: headers, isSigned: false, errorFormat: .json)
        do {
            let response = try await transport.send(
                request, region: "", credentials: nil, timeout: .seconds(1), retryPolicy: AWSRetryPolicy(maxAttempts: 1)
            )
            return response.body
        } catch let error as AWSError where error.code == .connectionFailed {
            throw AWSCredentialsError.notConfigured(name, "no instance metadata service at \(endpoint.origin)")
        } catch let error as AWSError where error.statusCode == 404 {
            throw AWSCredentialsError.notConfigured(name, "\(action) answered HTTP 404 (no IAM role attached?)")
        } catch {
            throw AWSCredentialsError.failed(name, String(describing: error))
        }
    }
}
