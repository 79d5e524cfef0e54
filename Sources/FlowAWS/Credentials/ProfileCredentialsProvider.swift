/// Long-term or session keys written in a profile: `aws_access_key_id`, `aws_secret_access_key`
/// and optionally `aws_session_token`, from `~/.aws/credentials` or `~/.aws/config`.
public struct ProfileCredentialsProvider: AWSCredentialsProvider {
    public let profile: String
    public let sharedConfig: AWSSharedConfig
    /// Where the profile was looked up, for messages.
    public let files: String

    public var name: String { "profile \(profile) in \(files)" }

    public init(profile: String, sharedConfig: AWSSharedConfig, files: String) {
        self.profile = profile
        self.sharedConfig = sharedConfig
        self.files = files
    }

    public func credentials() async throws -> AWSCredentials {
        guard let settings = sharedConfig.profile(profile) else {
            throw AWSCredentialsError.notConfigured(name, "no such profile")
        }
        let accessKey = settings["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
        let secretKey = settings["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
        switch (accessKey, secretKey) {
        case (let accessKey?, let secretKey?):
            let token = settings["aws_session_token"] ?? settings["aws_security_token"]
            return AWSCredentials(
                accessKeyID: accessKey, secretAccessKey: secretKey, sessionToken: token?.isEmpty == false ? token : nil)
        case (nil, nil):
            throw AWSCredentialsError.notConfigured(name, "the profile has no aws_access_key_id")
        case (nil, _):
            throw AWSCredentialsError.failed(name, "aws_secret_access_key is set but aws_access_key_id is not")
        case (_, nil):
            throw AWSCredentialsError.failed(name, "aws_access_key_id is set but aws_secret_access_key is not")
        }
    }
}
