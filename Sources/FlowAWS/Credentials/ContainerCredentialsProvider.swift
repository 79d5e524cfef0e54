import Foundation

/// The ECS (and EKS Pod Identity) container credentials endpoint:
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (below `http://169.254.170.2`) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` as the `Authorization` header.
///
/// A full URI over plain HTTP must point at a loopback address or one of the container agent's
/// link-local addresses, as in the AWS SDKs: credentials are not fetched over the network in clear.
struct ContainerCredentialsProvider: AWSCredentialsProvider {
    let environment: AWSEnvironment
    let transport: AWSTransport

    var name: String { "container credentials endpoint" }

    static let relativeBase = "http://169.254.170.2"
    static let allowedHTTPHosts: Set<String> = [
        "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost", "[::1]",
    ]

    func credentials() async throws -> AWSCredentials {
        let url: String
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            url = Self.relativeBase + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            url = full
        } else {
            throw AWSCredentialsError.notConfigured(
                name, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set")
        }
        let endpoint: AWSEndpoint
        do {
            endpoint = try AWSEndpoint(url: url, isCustom: false)
        } catch {
            throw AWSCredentialsError.failed(name, "the endpoint URL \(url) is not valid")
        }
        if endpoint.scheme == "http" && !Self.allowedHTTPHosts.contains(endpoint.host)
            && !endpoint.host.hasPrefix("127.")
        {
            throw AWSCredentialsError.failed(
                name, "plain-HTTP endpoint \(endpoint.host) is not a loopback or container-agent address")
        }
        var headers: [SigV4Request.Header] = [.init("Accept", "application/json")]
        if let tokenFile = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw AWSCredentialsError.failed(name, "cannot read the authorization token file \(tokenFile)")
            }
            headers.append(.init("Authorization", token.trimmingCharacters(in: .whitespacesAndNewlines)))
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] {
            headers.append(.init("Authorization", token))
        }
        let pathStart = url.range(of: "://").map { url[$0.upperBound...] }.flatMap { rest in
            rest.firstIndex(of: "/").map { rest[$0...] }
        }
        let (path, query) = Self.splitTarget(String(pathStart ?? "/"))
        let request = AWSRequest(
            service: .containerCredentials, action: "GetCredentials", resource: endpoint.origin,
            endpoint: AWSEndpoint(scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port),
            path: path, queryItems: query, headers: headers, isSigned: false, errorFormat: .json)
        do {
            let response = try await transport.send(
                request, region: "", credentials: nil, timeout: .seconds(2), retryPolicy: AWSRetryPolicy(maxAttempts: 3)
            )
            return try CredentialsDocument.parse(response.body, provider: name)
        } catch let error as AWSCredentialsError {
            throw error
        } catch {
            throw AWSCredentialsError.failed(name, String(describing: error))
        }
    }

    /// `/path?a=b` → wire path and decoded query items.
    static func splitTarget(_ target: String) -> (String, [SigV4Request.QueryItem]) {
        guard let question = target.firstIndex(of: "?") else { return (target, []) }
        let items = target[target.index(after: question)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return SigV4Request.QueryItem(
                PercentEncoding.decode(parts[0]), parts.count > 1 ? PercentEncoding.decode(parts[1]) : "")
        }
        return (String(target[..<question]), items)
    }
}

extension AWSService {
    /// Not AWS APIs but HTTP endpoints that hand out credentials; named for error messages.
    static let containerCredentials = AWSService(signingName: "container-credentials", endpointID: "")
    static let instanceMetadata = AWSService(signingName: "ec2-instance-metadata", endpointID: "")
}

/// The JSON the container and instance-metadata endpoints return:
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}` (IMDS adds `"Code": "Success"`).
enum CredentialsDocument {
    static func parse(_ body: [UInt8], provider: String) throws -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw AWSCredentialsError.failed(provider, "the answer is not a JSON object")
        }
        if let code = object["Code"] as? String, code != "Success" {
            throw AWSCredentialsError.failed(provider, "the endpoint answered Code \(code)")
        }
        guard let accessKey = object["AccessKeyId"] as? String, let secretKey = object["SecretAccessKey"] as? String
        else {
            throw AWSCredentialsError.failed(provider, "the answer has no AccessKeyId/SecretAccessKey")
        }
        return AWSCredentials(
            accessKeyID: accessKey, secretAccessKey: secretKey, sessionToken: object["Token"] as? String,
            expiration: (object["Expiration"] as? String).flatMap(ISO8601.date))
    }
}
