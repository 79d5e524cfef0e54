import Foundation
import Testing

@testable import FlowAWS

/// The credentials value and the simple providers: environment variables and profiles.
@Suite struct AWSCredentialsTests {
    @Test func descriptionRedactsSecrets() {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "SECRETKEY", sessionToken: "SESSIONTOKEN",
            expiration: Date(timeIntervalSince1970: 0))
        for text in [
            "\(credentials)", String(reflecting: credentials),
            "\(SigV4Signer(credentials: credentials, region: "r", service: "s"))",
        ] {
            #expect(text.contains("AKIDEXAMPLE"))
            #expect(!text.contains("SECRETKEY"))
            #expect(!text.contains("SESSIONTOKEN"))
        }
    }

    /// The environment (held by the client's configuration and endpoint resolver) prints and
    /// dumps variable names, never values.
    @Test func environmentDescriptionHidesValues() {
        let environment = AWSEnvironment(
            variables: ["AWS_SECRET_ACCESS_KEY": "SECRETVALUE", "AWS_SESSION_TOKEN": "TOKENVALUE"], homeDirectory: "/h")
        let resolver = AWSEndpointResolver(region: "us-east-1", environment: environment)
        var dumped = ""
        dump(resolver, to: &dumped)
        for text in ["\(environment)", String(reflecting: environment), "\(resolver)", dumped] {
            #expect(text.contains("AWS_SECRET_ACCESS_KEY"))
            #expect(!text.contains("SECRETVALUE"))
            #expect(!text.contains("TOKENVALUE"))
        }
    }

    @Test func environmentVariables() async throws {
        let environment = try TestAWS.isolatedEnvironment([
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SESSION_TOKEN": "TOKEN",
        ])
        let credentials = try await EnvironmentCredentialsProvider(environment: environment).credentials()
        #expect(credentials == AWSCredentials(accessKeyID: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN"))
    }

    @Test func environmentWithOnlyOneKeyIsAnErrorNotASkip() async throws {
        let environment = try TestAWS.isolatedEnvironment(["AWS_ACCESS_KEY_ID": "AKID"])
        let error = await #expect(throws: AWSCredentialsError.self) {
            try await EnvironmentCredentialsProvider(environment: environment).credentials()
        }
        #expect(error?.isNotConfigured == false)
        #expect(error?.description.contains("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not") == true)
    }

    /// `[name]` in the credentials file, `[profile name]` in the config file, credentials file wins.
    @Test func sharedFilesMergeLikeTheCLI() throws {
        let home = try TestAWS.temporaryDirectory()
        try write(
            """
            [default]
            aws_access_key_id = DEFAULTKEY
            aws_secret_access_key = defaultsecret
            [dev]
            aws_access_key_id = DEVKEY
            aws_secret_access_key = dev#secret  ; comment
            """, to: home.appendingPathComponent("creds"))
        try write(
            """
            [default]
            region = eu-west-1
            [profile dev]
            region = us-west-2
            aws_access_key_id = IGNOREDKEY
            s3 =
              max_concurrent_requests = 20
            [sso-session corp]
            sso_region = us-east-1
            [dev]
            region = not-a-profile-in-config
            """, to: home.appendingPathComponent("conf"))
        let environment = AWSEnvironment(
            variables: [
                "AWS_SHARED_CREDENTIALS_FILE": home.appendingPathComponent("creds").path,
                "AWS_CONFIG_FILE": home.appendingPathComponent("conf").path,
            ], homeDirectory: "/nonexistent")
        let config = try AWSSharedConfig(environment: environment)
        #expect(config.profile("dev")?["aws_access_key_id"] == "DEVKEY")
        #expect(config.profile("dev")?["aws_secret_access_key"] == "dev#secret")
        #expect(config.profile("dev")?["region"] == "us-west-2")
        #expect(config.profile("dev")?["max_concurrent_requests"] == nil)
        #expect(config.profile("default")?["region"] == "eu-west-1")
        #expect(config.profile("corp") == nil)
    }

    /// `~/.aws/credentials` and `~/.aws/config` under the (injected) home directory.
    @Test func profileFromHomeDirectory() async throws {
        let home = try TestAWS.temporaryDirectory()
        try write(
            "[work]\naws_access_key_id = WORKKEY\naws_secret_access_key = worksecret\naws_session_token = wt\n",
            to: home.appendingPathComponent(".aws/credentials"))
        try write(
            "[profile cfg]\naws_access_key_id = CFGKEY\naws_secret_access_key = cfgsecret\n",
            to: home.appendingPathComponent(".aws/config"))
        let environment = AWSEnvironment(variables: ["AWS_PROFILE": "work"], homeDirectory: home.path)
        let client = try AWSClient(configuration: .init(region: "us-east-1", environment: environment))
        defer { Task { try await client.shutdown() } }
        #expect(client.profile == "work")
        let credentials = try await client.resolveCredentials()
        #expect(
            credentials == AWSCredentials(accessKeyID: "WORKKEY", secretAccessKey: "worksecret", sessionToken: "wt"))

        let fromConfig = try AWSClient(
            configuration: .init(region: "us-east-1", profile: "cfg", environment: environment))
        defer { Task { try await fromConfig.shutdown() } }
        #expect(try await fromConfig.resolveCredentials().accessKeyID == "CFGKEY")
    }

    /// Environment variables come first, unless a profile is named with `--profile`.
    @Test func environmentBeforeProfileUnlessProfileIsExplicit() async throws {
        let home = try TestAWS.temporaryDirectory()
        try write(
            "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n[p]\naws_access_key_id = PKEY\naws_secret_access_key = psecret\n",
            to: home.appendingPathComponent(".aws/credentials"))
        let variables = ["AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_PROFILE": "p"]
        let environment = AWSEnvironment(variables: variables, homeDirectory: home.path)
        let implicit = try AWSClient(configuration: .init(region: "us-east-1", environment: environment))
        defer { Task { try await implicit.shutdown() } }
        #expect(try await implicit.resolveCredentials().accessKeyID == "ENVKEY")
        let explicit = try AWSClient(configuration: .init(region: "us-east-1", profile: "p", environment: environment))
        defer { Task { try await explicit.shutdown() } }
        #expect(try await explicit.resolveCredentials().accessKeyID == "PKEY")
    }

    @Test func unknownNamedProfileIsAConfigurationError() throws {
        let environment = try TestAWS.isolatedEnvironment(["AWS_PROFILE": "missing"])
        let error = #expect(throws: AWSConfigurationError.self) {
            _ = try AWSClient(configuration: .init(region: "us-east-1", environment: environment))
        }
        #expect(error?.message.contains("'missing'") == true)
    }

    /// Nothing set up: the error names every provider and why it had nothing, and no secret.
    @Test func emptyChainListsEveryProvider() async throws {
        let environment = try TestAWS.isolatedEnvironment(["AWS_EC2_METADATA_DISABLED": "true"])
        let client = try AWSClient(configuration: .init(region: "us-east-1", environment: environment))
        defer { Task { try await client.shutdown() } }
        let error = await #expect(throws: AWSCredentialsError.self) { try await client.resolveCredentials() }
        let text = error?.description ?? ""
        #expect(text.contains("No AWS credentials found"))
        #expect(text.contains("environment variables: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"))
        #expect(text.contains("profile default in"))
        #expect(text.contains("container credentials endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
        #expect(text.contains("EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED"))
        #expect(error?.attempts.count == 4)
    }

    /// A profile that is set up but broken stops the chain (the CLI does not fall through to
    /// other credentials), and says why.
    @Test func brokenRoleProfileIsReported() throws {
        let home = try TestAWS.temporaryDirectory()
        try write(
            "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\n", to: home.appendingPathComponent(".aws/config")
        )
        let environment = AWSEnvironment(variables: [:], homeDirectory: home.path)
        let error = #expect(throws: AWSConfigurationError.self) {
            _ = try AWSClient(configuration: .init(region: "us-east-1", profile: "r", environment: environment))
        }
        #expect(
            error?.message.contains("neither source_profile, credential_source nor web_identity_token_file") == true)
    }

    @Test func sourceProfileCycleIsRefused() throws {
        let home = try TestAWS.temporaryDirectory()
        try write(
            "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n"
                + "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n",
            to: home.appendingPathComponent(".aws/config"))
        let environment = AWSEnvironment(variables: [:], homeDirectory: home.path)
        #expect(throws: AWSConfigurationError.self) {
            _ = try AWSClient(configuration: .init(region: "us-east-1", profile: "a", environment: environment))
        }
    }

    func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}
