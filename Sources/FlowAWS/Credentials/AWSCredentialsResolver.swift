/// Builds the standard credential chain in the AWS CLI's order:
///
/// 1. environment variables (skipped when a profile is given explicitly, as the CLI does);
/// 2. the profile's `role_arn` with `source_profile` or `credential_source` (STS AssumeRole), or
///    with `web_identity_token_file` (STS AssumeRoleWithWebIdentity);
/// 3. web identity from `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`;
/// 4. the profile's keys in `~/.aws/credentials`, then `~/.aws/config`;
/// 5. the ECS container endpoint;
/// 6. EC2 instance metadata (IMDSv2).
///
/// With `roleARN` (FlowLens's `--role-arn`), whatever the chain finds is used to assume that role.
struct AWSCredentialsResolver {
    var profile: String
    var profileIsExplicit: Bool
    var roleARN: String?
    var roleSessionName: String?
    var environment: AWSEnvironment
    var sharedConfig: AWSSharedConfig
    var transport: AWSTransport
    var sts: STSQuery

    /// The whole chain, cached so that temporary credentials are fetched once and refreshed
    /// five minutes before they expire.
    func provider() throws -> any AWSCredentialsProvider {
        let chain = AWSCredentialsCache(AWSCredentialsChain(try chainProviders()))
        guard let roleARN else { return chain }
        return AWSCredentialsCache(
            AssumeRoleCredentialsProvider(
                roleARN: roleARN, sessionName: roleSessionName ?? AssumeRoleCredentialsProvider.defaultSessionName(),
                externalID: nil, durationSeconds: nil, source: chain, sts: sts, origin: "--role-arn"))
    }

    func chainProviders() throws -> [any AWSCredentialsProvider] {
        var providers: [any AWSCredentialsProvider] = []
        if !profileIsExplicit { providers.append(EnvironmentCredentialsProvider(environment: environment)) }
        if let settings = sharedConfig.profile(profile), settings["role_arn"] != nil {
            providers.append(try roleProvider(profile: profile, visited: []))
        }
        if let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"], let roleARN = environment["AWS_ROLE_ARN"] {
            providers.append(
                WebIdentityCredentialsProvider(
                    tokenFile: tokenFile, roleARN: roleARN,
                    sessionName: environment["AWS_ROLE_SESSION_NAME"]
                        ?? AssumeRoleCredentialsProvider.defaultSessionName(),
                    sts: sts, origin: "AWS_WEB_IDENTITY_TOKEN_FILE"))
        }
        providers.append(
            ProfileCredentialsProvider(profile: profile, sharedConfig: sharedConfig, files: files))
        providers.append(ContainerCredentialsProvider(environment: environment, transport: transport))
        providers.append(InstanceMetadataCredentialsProvider(environment: environment, transport: transport))
        return providers
    }

    var files: String { environment.sharedCredentialsFile + " or " + environment.configFile }

    /// The provider for a profile with `role_arn`, following `source_profile` links (which may
    /// themselves assume roles) and refusing cycles.
    func roleProvider(profile: String, visited: [String]) throws -> any AWSCredentialsProvider {
        guard let settings = sharedConfig.profile(profile) else {
            throw AWSConfigurationError("Profile '\(profile)' (named by source_profile) is not in \(files)")
        }
        guard let roleARN = settings["role_arn"], !roleARN.isEmpty else {
            return ProfileCredentialsProvider(profile: profile, sharedConfig: sharedConfig, files: files)
        }
        let sessionName = settings["role_session_name"] ?? AssumeRoleCredentialsProvider.defaultSessionName()
        if let tokenFile = settings["web_identity_token_file"], !tokenFile.isEmpty {
            return AWSCredentialsCache(
                WebIdentityCredentialsProvider(
                    tokenFile: environment.expandingTilde(tokenFile), roleARN: roleARN, sessionName: sessionName,
                    sts: sts, origin: "profile \(profile)"))
        }
        let source: any AWSCredentialsProvider
        if let sourceProfile = settings["source_profile"], !sourceProfile.isEmpty {
            if visited.contains(sourceProfile) {
                throw AWSConfigurationError(
                    "Profiles form a source_profile cycle: \((visited + [profile, sourceProfile]).joined(separator: " -> "))"
                )
            }
            // A profile that names itself as source uses its own keys (the CLI allows this).
            source =
                sourceProfile == profile
                ? ProfileCredentialsProvider(profile: profile, sharedConfig: sharedConfig, files: files)
                : try roleProvider(profile: sourceProfile, visited: visited + [profile])
        } else if let credentialSource = settings["credential_source"] {
            switch credentialSource {
            case "Environment": source = EnvironmentCredentialsProvider(environment: environment)
            case "EcsContainer": source = ContainerCredentialsProvider(environment: environment, transport: transport)
            case "Ec2InstanceMetadata":
                source = InstanceMetadataCredentialsProvider(environment: environment, transport: transport)
            default:
                throw AWSConfigurationError(
                    "Profile '\(profile)': credential_source '\(credentialSource)' is not one of Environment, "
                        + "EcsContainer, Ec2InstanceMetadata")
            }
        } else {
            throw AWSConfigurationError(
                "Profile '\(profile)' has role_arn but neither source_profile, credential_source nor "
                    + "web_identity_token_file")
        }
        return AWSCredentialsCache(
            AssumeRoleCredentialsProvider(
                roleARN: roleARN, sessionName: sessionName, externalID: settings["external_id"],
                durationSeconds: settings["duration_seconds"].flatMap { Int($0) }, source: AWSCredentialsCache(source),
                sts: sts, origin: "profile \(profile)"))
    }
}
