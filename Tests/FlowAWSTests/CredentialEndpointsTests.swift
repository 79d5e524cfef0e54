import Foundation
import Testing

@testable import FlowAWS

/// The ECS container endpoint and EC2 instance metadata (IMDSv2) providers, against a local
/// HTTP server standing in for the endpoint.
@Suite struct CredentialEndpointsTests {
    static let document = """
        {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "imds-secret",
         "Token": "imds-token", "Expiration": "2030-01-01T00:00:00Z", "LastUpdated": "2029-12-31T18:00:00Z"}
        """

    /// A fake instance metadata service that insists on IMDSv2's session token.
    static func metadataServer() throws -> LocalHTTPServer {
        try LocalHTTPServer { request in
            switch (request.method, request.target) {
            case ("PUT", "/latest/api/token"):
                guard request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600" else {
                    return .init(status: 400)
                }
                return .init(status: 200, body: "session-token-1")
            case (_, _) where request.headers["x-aws-ec2-metadata-token"] != "session-token-1":
                return .init(status: 401)
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                return .init(status: 200, body: "flow-reader-role\n")
            case ("GET", "/latest/meta-data/iam/security-credentials/flow-reader-role"):
                return .init(status: 200, headers: [("Content-Type", "application/json")], body: document)
            default:
                return .init(status: 404)
            }
        }
    }

    /// Runs `body` with a transport of its own, shut down afterwards whatever happens.
    static func withTransport<Result: Sendable>(
        _ body: (AWSTransport) async throws -> Result
    ) async throws -> Result {
        let transport = AWSTransport(retryPolicy: .default, timeout: .seconds(5))
        do {
            let result = try await body(transport)
            try await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    @Test func instanceMetadataV2() async throws {
        let server = try Self.metadataServer()
        defer { server.stop() }
        let environment = try TestAWS.isolatedEnvironment(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url])
        let client = try AWSClient(configuration: .init(region: "us-east-1", environment: environment))
        defer { Task { try await client.shutdown() } }
        let credentials = try await client.resolveCredentials()
        #expect(credentials.accessKeyID == "ASIAIMDS")
        #expect(credentials.secretAccessKey == "imds-secret")
        #expect(credentials.sessionToken == "imds-token")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_893_456_000))
        #expect(
            server.requests.map { "\($0.method) \($0.target)" } == [
                "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
                "GET /latest/meta-data/iam/security-credentials/flow-reader-role",
            ])
        // Cached: a second call makes no request.
        _ = try await client.resolveCredentials()
        #expect(server.requests.count == 3)
    }

    @Test func instanceMetadataDisabled() async throws {
        let server = try Self.metadataServer()
        defer { server.stop() }
        let environment = try TestAWS.isolatedEnvironment([
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url, "AWS_EC2_METADATA_DISABLED": "true",
        ])
        let client = try AWSClient(configuration: .init(region: "us-east-1", environment: environment))
        defer { Task { try await client.shutdown() } }
        await #expect(throws: AWSCredentialsError.self) { try await client.resolveCredentials() }
        #expect(server.requests.isEmpty)
    }

    /// Off EC2 nothing answers: the provider gives up fast and says so.
    @Test func instanceMetadataUnreachable() async throws {
        let server = try LocalHTTPServer { _ in .init(status: 200) }
        let url = server.url
        server.stop()  // a port where nothing listens any more
        let environment = try TestAWS.isolatedEnvironment(["AWS_EC2_METADATA_SERVICE_ENDPOINT": url])
        let client = try AWSClient(configuration: .init(region: "us-east-1", environment: environment))
        defer { Task { try await client.shutdown() } }
        let error = await #expect(throws: AWSCredentialsError.self) { try await client.resolveCredentials() }
        #expect(error?.description.contains("EC2 instance metadata: no instance metadata service at \(url)") == true)
    }

    @Test func containerFullURIWithAuthorizationToken() async throws {
        let server = try LocalHTTPServer { request in
            guard request.target == "/v2/credentials/abc?x=1",
                request.headers["authorization"] == "Bearer container-auth"
            else { return .init(status: 403, body: "{\"message\":\"no\"}") }
            return .init(status: 200, body: Self.document)
        }
        defer { server.stop() }
        let environment = try TestAWS.isolatedEnvironment([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/v2/credentials/abc?x=1",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer container-auth", "AWS_EC2_METADATA_DISABLED": "true",
        ])
        let client = try AWSClient(configuration: .init(region: "us-east-1", environment: environment))
        defer { Task { try await client.shutdown() } }
        let credentials = try await client.resolveCredentials()
        #expect(credentials.accessKeyID == "ASIAIMDS")
        #expect(server.requests.count == 1)
    }

    /// The token file wins over the token variable (EKS Pod Identity writes a file).
    @Test func containerAuthorizationTokenFile() async throws {
        let directory = try TestAWS.temporaryDirectory()
        let tokenFile = directory.appendingPathComponent("token")
        try Data("from-file\n".utf8).write(to: tokenFile)
        let server = try LocalHTTPServer { request in
            request.headers["authorization"] == "from-file"
                ? .init(status: 200, body: Self.document) : .init(status: 403)
        }
        defer { server.stop() }
        let environment = try TestAWS.isolatedEnvironment([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "from-variable",
        ])
        let credentials = try await Self.withTransport { transport in
            try await ContainerCredentialsProvider(environment: environment, transport: transport).credentials()
        }
        #expect(credentials.accessKeyID == "ASIAIMDS")
    }

    /// Plain HTTP to a host that is neither loopback nor the container agent is refused.
    @Test func containerRefusesRemotePlainHTTP() async throws {
        let environment = try TestAWS.isolatedEnvironment([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://credentials.example.com/creds"
        ])
        let error = await #expect(throws: AWSCredentialsError.self) {
            try await Self.withTransport { transport in
                try await ContainerCredentialsProvider(environment: environment, transport: transport).credentials()
            }
        }
        #expect(error?.isNotConfigured == false)
        #expect(error?.description.contains("not a loopback") == true)
    }

    /// A container endpoint that refuses is an error naming the endpoint, with no token in it.
    @Test func containerEndpointErrorHasNoToken() async throws {
        let server = try LocalHTTPServer { _ in .init(status: 403, body: "{\"message\":\"bad token\"}") }
        defer { server.stop() }
        let environment = try TestAWS.isolatedEnvironment([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "super-secret-auth",
        ])
        let client = try AWSClient(configuration: .init(region: "us-east-1", environment: environment))
        defer { Task { try await client.shutdown() } }
        let error = await #expect(throws: AWSCredentialsError.self) { try await client.resolveCredentials() }
        let text = error?.description ?? ""
        #expect(text.contains("container credentials endpoint"))
        #expect(text.contains("HTTP 403"))
        #expect(!text.contains("super-secret-auth"))
    }
}
