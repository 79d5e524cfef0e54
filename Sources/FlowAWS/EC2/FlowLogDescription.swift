/// A flow log's settings, from EC2 DescribeFlowLogs. `logFormat` is the field list its records
/// carry (`${version} ${account-id} …`), which CloudWatch Logs records need since they have no
/// header line.
public struct FlowLogDescription: Sendable, Hashable {
    public var flowLogID: String
    public var logFormat: String
    public var logGroupName: String?
    /// The S3 bucket (and prefix) ARN, or the log group ARN.
    public var logDestination: String?
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    public var logDestinationType: String?
    /// For S3: `plain-text` or `parquet`.
    public var fileFormat: String?
    /// The VPC, subnet, interface or transit gateway the flow log watches.
    public var resourceID: String?

    public init(
        flowLogID: String, logFormat: String, logGroupName: String? = nil, logDestination: String? = nil,
        logDestinationType: String? = nil, fileFormat: String? = nil, resourceID: String? = nil
    ) {
        self.flowLogID = flowLogID
        self.logFormat = logFormat
        self.logGroupName = logGroupName
        self.logDestination = logDestination
        self.logDestinationType = logDestinationType
        self.fileFormat = fileFormat
        self.resourceID = resourceID
    }
}
