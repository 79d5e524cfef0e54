/// The AWS services FlowAWS calls, with the names each needs: the SigV4 signing name, the
/// endpoint host prefix, and the `AWS_ENDPOINT_URL_<SERVICE>` variable the AWS CLI reads.
public struct AWSService: Sendable, Hashable, CustomStringConvertible {
    /// The SigV4 signing name and the prefix of the default endpoint host (`s3`, `logs`).
    public let signingName: String
    /// The service's identifier in `AWS_ENDPOINT_URL_<ID>` and `services` config sections.
    public let endpointID: String
    /// Signing rules for the service.
    public let signingOptions: SigV4Signer.Options

    public init(signingName: String, endpointID: String, signingOptions: SigV4Signer.Options = .standard) {
        self.signingName = signingName
        self.endpointID = endpointID
        self.signingOptions = signingOptions
    }

    public var description: String { signingName }

    public static let s3 = AWSService(signingName: "s3", endpointID: "S3", signingOptions: .s3)
    public static let cloudWatchLogs = AWSService(signingName: "logs", endpointID: "CLOUDWATCH_LOGS")
    public static let ec2 = AWSService(signingName: "ec2", endpointID: "EC2")
    public static let sts = AWSService(signingName: "sts", endpointID: "STS")
}
