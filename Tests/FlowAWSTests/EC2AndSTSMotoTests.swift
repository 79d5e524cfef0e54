import Foundation
import Testing

@testable import FlowAWS

/// EC2 DescribeFlowLogs and STS against moto, including the role-based credential providers.
@Suite struct EC2AndSTSMotoTests {
    @Test func describeFlowLogsReturnsTheFormatTheCLISet() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let vpc = try TestAWS.json(TestAWS.cli(["ec2", "create-vpc", "--cidr-block", "10.42.0.0/16"]))
        let vpcID = try #require((vpc["Vpc"] as? [String: Any])?["VpcId"] as? String)
        let group = TestAWS.uniqueName("/flowaws/flowlogs")
        let format =
            "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${log-status}"
        try TestAWS.cli([
            "ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", vpcID, "--traffic-type", "ALL",
            "--log-group-name", group, "--deliver-logs-permission-arn", "arn:aws:iam::123456789012:role/x",
            "--log-format", format,
        ])
        let flowLogs = try await client.describeFlowLogs(logGroupName: group)
        #expect(flowLogs.count == 1)
        let flowLog = try #require(flowLogs.first)
        #expect(flowLog.logFormat == format)
        #expect(flowLog.logGroupName == group)
        #expect(flowLog.resourceID == vpcID)
        #expect(flowLog.flowLogID.hasPrefix("fl-"))
        #expect(flowLog.logDestinationType == "cloud-watch-logs")
        #expect(try await client.describeFlowLogs(logGroupName: TestAWS.uniqueName("/none")).isEmpty)
    }

    @Test func stsOperations() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let identity = try await client.getCallerIdentity()
        #expect(identity.account == "123456789012")
        let assumed = try await client.assumeRole(
            roleARN: "arn:aws:iam::123456789012:role/flow-reader", sessionName: "flowaws-test", durationSeconds: 900)
        #expect(!assumed.accessKeyID.isEmpty && assumed.sessionToken != nil)
        #expect(assumed.expiration.map { $0 > Date() } == true)
        let web = try await client.assumeRoleWithWebIdentity(
            roleARN: "arn:aws:iam::123456789012:role/web", sessionName: "w", webIdentityToken: "token-value")
        #expect(web.sessionToken != nil)
    }

    /// `role_arn` + `source_profile` in `~/.aws/config` assumes the role through STS, signed with
    /// the source profile's keys; calls then run as the assumed role.
    @Test func profileRoleWithSourceProfile() async throws {
        let home = try TestAWS.temporaryDirectory()
        try write(
            "[base]\naws_access_key_id = AKIABASEPROFILE0001\naws_secret_access_key = base-secret\n",
            to: home.appendingPathComponent(".aws/credentials"))
        try write(
            "[profile reader]\nrole_arn = arn:aws:iam::123456789012:role/flow-reader\nsource_profile = base\n"
                + "role_session_name = flowaws-profile\nregion = us-east-1\n",
            to: home.appendingPathComponent(".aws/config"))
        let environment = AWSEnvironment(
            variables: ["AWS_ENDPOINT_URL": try TestAWS.endpoint(), "AWS_EC2_METADATA_DISABLED": "true"],
            homeDirectory: home.path)
        let client = try AWSClient(configuration: .init(profile: "reader", environment: environment))
        defer { Task { try await client.shutdown() } }
        #expect(client.region == "us-east-1")
        let credentials = try await client.resolveCredentials()
        #expect(credentials.accessKeyID != "AKIABASEPROFILE0001")
        #expect(credentials.sessionToken != nil && credentials.expiration != nil)
        let identity = try await client.getCallerIdentity()
        #expect(identity.arn.contains("assumed-role/flow-reader/flowaws-profile"))
    }

    /// A profile with `role_arn` + `web_identity_token_file`, and one with `role_arn` +
    /// `credential_source = Environment`.
    @Test func profileWebIdentityAndCredentialSource() async throws {
        let home = try TestAWS.temporaryDirectory()
        try Data("oidc-token\n".utf8).write(to: home.appendingPathComponent("token"))
        try write(
            "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/profile-web\n"
                + "web_identity_token_file = ~/token\nrole_session_name = pw\n"
                + "[profile from-env]\nrole_arn = arn:aws:iam::123456789012:role/from-env\n"
                + "credential_source = Environment\nrole_session_name = fe\n",
            to: home.appendingPathComponent(".aws/config"))
        let environment = AWSEnvironment(
            variables: [
                "AWS_ENDPOINT_URL": try TestAWS.endpoint(), "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "AKIAENVSOURCE000001", "AWS_SECRET_ACCESS_KEY": "env-source-secret",
            ], homeDirectory: home.path)
        let web = try AWSClient(configuration: .init(profile: "web", environment: environment))
        defer { Task { try await web.shutdown() } }
        #expect(try await web.getCallerIdentity().arn.contains("profile-web"))
        let fromEnvironment = try AWSClient(configuration: .init(profile: "from-env", environment: environment))
        defer { Task { try await fromEnvironment.shutdown() } }
        #expect(try await fromEnvironment.getCallerIdentity().arn.contains("assumed-role/from-env/fe"))
    }

    /// `--role-arn`: the chain's credentials (here the environment's) assume the given role.
    @Test func explicitRoleARN() async throws {
        let environment = try TestAWS.isolatedEnvironment([
            "AWS_ENDPOINT_URL": try TestAWS.endpoint(), "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT0001",
            "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_DEFAULT_REGION": "us-east-1",
        ])
        let client = try AWSClient(
            configuration: .init(
                roleARN: "arn:aws:iam::123456789012:role/explicit", roleSessionName: "cli-role",
                environment: environment))
        defer { Task { try await client.shutdown() } }
        let identity = try await client.getCallerIdentity()
        #expect(identity.arn.contains("assumed-role/explicit/cli-role"))
    }

    /// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`: AssumeRoleWithWebIdentity with the file's token.
    @Test func webIdentityFromEnvironment() async throws {
        let directory = try TestAWS.temporaryDirectory()
        let tokenFile = directory.appendingPathComponent("token")
        try Data("eyJhbGciOiJSUzI1NiJ9.e30.sig\n".utf8).write(to: tokenFile)
        let environment = try TestAWS.isolatedEnvironment([
            "AWS_ENDPOINT_URL": try TestAWS.endpoint(), "AWS_REGION": "us-east-1",
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web-role",
            "AWS_ROLE_SESSION_NAME": "web-session", "AWS_EC2_METADATA_DISABLED": "true",
        ])
        let client = try AWSClient(configuration: .init(environment: environment))
        defer { Task { try await client.shutdown() } }
        let credentials = try await client.resolveCredentials()
        #expect(credentials.sessionToken != nil)
        #expect(credentials.expiration != nil)
        let identity = try await client.getCallerIdentity()
        #expect(identity.arn.contains("web-role"))
    }

    /// A web identity token file that cannot be read stops the chain with a reason, no secret.
    @Test func webIdentityMissingTokenFile() async throws {
        let environment = try TestAWS.isolatedEnvironment([
            "AWS_ENDPOINT_URL": try TestAWS.endpoint(), "AWS_REGION": "us-east-1",
            "AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/w",
        ])
        let client = try AWSClient(configuration: .init(environment: environment))
        defer { Task { try await client.shutdown() } }
        let error = await #expect(throws: AWSCredentialsError.self) { try await client.resolveCredentials() }
        #expect(error?.description.contains("cannot read the token file /nonexistent/token") == true)
        #expect(error?.isNotConfigured == false)
    }

    func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}
