import FlowTesting
import Foundation
import Testing

@testable import FlowAWS

/// Signatures checked by a verifier FlowLens did not write: a moto server of this test's own, with
/// request authentication switched on (`INITIAL_NO_AUTH_ACTION_COUNT`), checks every request's
/// SigV4 signature with botocore's rules and the IAM policy of the signing key.
///
/// The shared moto server of `scripts/test.sh` accepts any signature, so it cannot catch a
/// signing mistake; this one rejects a wrong one with `SignatureDoesNotMatch`.
@Suite(.serialized) struct SignatureVerificationMotoTests {
    /// A moto server that authenticates every request after the first three (which the AWS CLI
    /// spends creating an IAM user, its key and an allow-all policy).
    final class AuthenticatingMoto: @unchecked Sendable {
        let endpoint: String
        let credentials: AWSCredentials
        private let process: Process

        init() throws {
            _ = try TestAWS.endpoint()  // same prerequisite as every moto test: scripts/test.sh installed it
            let probe = try LocalHTTPServer { _ in .init(status: 200) }
            let port = probe.port
            probe.stop()
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["moto_server", "-H", "127.0.0.1", "-p", String(port)]
            var environment = ProcessInfo.processInfo.environment
            environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            endpoint = "http://127.0.0.1:\(port)"
            var ready = false
            for _ in 0..<100 where !ready {
                Thread.sleep(forTimeInterval: 0.2)
                ready = (try? Self.run(["curl", "-sf", endpoint + "/moto-api/"], environment: [:])) != nil
            }
            guard ready else {
                kill(process.processIdentifier, SIGKILL)
                throw TestAWS.CLIFailure(description: "moto_server with authentication did not start on \(endpoint)")
            }
            do {
                credentials = try Self.bootstrapUser(endpoint: endpoint)
            } catch {
                kill(process.processIdentifier, SIGKILL)
                throw error
            }
        }

        /// Creates the IAM user `flowlens` with an access key and an allow-all policy; returns the key.
        private static func bootstrapUser(endpoint: String) throws -> AWSCredentials {
            let cli = ["aws", "--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"]
            let bootstrap = ["AWS_ACCESS_KEY_ID": "bootstrap", "AWS_SECRET_ACCESS_KEY": "bootstrap"]
            _ = try run(cli + ["iam", "create-user", "--user-name", "flowlens"], environment: bootstrap)
            let key = try TestAWS.json(
                run(cli + ["iam", "create-access-key", "--user-name", "flowlens"], environment: bootstrap))
            let accessKey = try #require(key["AccessKey"] as? [String: Any])
            let credentials = AWSCredentials(
                accessKeyID: try #require(accessKey["AccessKeyId"] as? String),
                secretAccessKey: try #require(accessKey["SecretAccessKey"] as? String))
            _ = try run(
                cli + [
                    "iam", "put-user-policy", "--user-name", "flowlens", "--policy-name", "all", "--policy-document",
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                ], environment: bootstrap)
            return credentials
        }

        /// SIGKILL, because the server inherits the test process's signal mask, in which SIGTERM is
        /// blocked, so `terminate()` would leave it running.
        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func client(_ credentials: AWSCredentials? = nil) throws -> AWSClient {
            try AWSClient(
                configuration: .init(
                    region: "us-east-1", endpointURL: endpoint, credentials: credentials ?? self.credentials,
                    retryPolicy: AWSRetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10)),
                    environment: try TestAWS.isolatedEnvironment()))
        }

        /// Runs a command with an empty home and only the given AWS variables; returns stdout.
        static func run(_ arguments: [String], environment extra: [String: String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
            environment["HOME"] = try TestAWS.temporaryDirectory().path
            environment.merge(extra) { $1 }
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw TestAWS.CLIFailure(
                    description: "\(arguments.prefix(6).joined(separator: " ")) exited \(process.terminationStatus)")
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Every operation FlowLens signs passes moto's signature check.
    @Test func everyOperationIsSignedCorrectly() async throws {
        let moto = try AuthenticatingMoto()
        defer { moto.stop() }
        let client = try moto.client()
        defer { Task { try await client.shutdown() } }

        let bucket = TestAWS.uniqueName("signed")
        try await client.createBucket(bucket: bucket)
        // moto's verifier canonicalises keys holding `+`, `=`, `&` or non-ASCII differently from
        // S3, so the AWS CLI's own PutObject of such keys fails against it too (checked with
        // awscli 1.45); those keys are covered by the SigV4 suites and the unauthenticated moto
        // tests. Spaces and `~` it checks correctly.
        let key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/29/a b~c.log.gz"
        try await client.putObject(bucket: bucket, key: key, bytes: Array("flow".utf8))
        // Likewise a `/` in a query value (prefix, delimiter) fails moto's check for the AWS CLI
        // too, so this listing uses a prefix without one.
        let page = try await client.listObjectsV2(bucket: bucket, prefix: "AWSLogs", maxKeys: 10)
        #expect(page.objects.map(\.key) == [key])
        let all = try await client.listObjectsV2(bucket: bucket, startAfter: "A", maxKeys: 1)
        #expect(all.objects.map(\.key) == [key])
        #expect(try await client.getObject(bucket: bucket, key: key).bytes == Array("flow".utf8))

        let group = TestAWS.uniqueName("/signed/group")
        try await client.createLogGroup(logGroupName: group)
        try await client.createLogStream(logGroupName: group, logStreamName: "s")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await client.putLogEvents(logGroupName: group, logStreamName: "s", events: [(now, "m ü")])
        #expect(try await client.filterLogEvents(logGroupName: group, limit: 5).events.map(\.message) == ["m ü"])
        #expect(try await client.describeFlowLogs(logGroupName: group).isEmpty)
        let identity = try await client.getCallerIdentity()
        #expect(identity.arn.hasSuffix("user/flowlens"))
    }

    /// A wrong secret is refused by the verifier, and the error does not repeat the secret.
    @Test func wrongSecretIsRefused() async throws {
        let moto = try AuthenticatingMoto()
        defer { moto.stop() }
        let wrong = AWSCredentials(
            accessKeyID: moto.credentials.accessKeyID, secretAccessKey: "wrong-secret-do-not-print")
        let client = try moto.client(wrong)
        defer { Task { try await client.shutdown() } }
        let error = await #expect(throws: AWSError.self) {
            try await client.listObjectsV2(bucket: "any-bucket", prefix: "p/")
        }
        #expect(error?.code.rawValue == "SignatureDoesNotMatch")
        #expect(
            error?.description.hasPrefix(
                "SignatureDoesNotMatch: s3:ListObjectsV2 on s3://any-bucket/p/ denied (HTTP 403)") == true)
        #expect(error?.description.contains("wrong-secret-do-not-print") == false)
    }
}
