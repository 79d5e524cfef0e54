/// Every field AWS has published for VPC Flow Logs, by its AWS name.
///
/// The raw value is a dense index (0..<64) so that a record's set of present fields fits in one
/// `UInt64` mask. The order follows the versions in which the fields were introduced; it is not
/// the order of any particular file, which the decoder takes from the header or `--fields`.
public enum FlowField: UInt8, CaseIterable, Sendable, Hashable, Comparable {
    // v2
    case version, accountID, interfaceID, srcaddr, dstaddr, srcport, dstport, proto, packets, bytes
    case start, end, action, logStatus
    // v3
    case vpcID, subnetID, instanceID, tcpFlags, type, pktSrcaddr, pktDstaddr
    // v4
    case region, azID, sublocationType, sublocationID
    // v5
    case pktSrcAWSService, pktDstAWSService, flowDirection, trafficPath
    // v6 (Transit Gateway)
    case resourceType, tgwID, tgwAttachmentID, tgwSrcVpcAccountID, tgwDstVpcAccountID, tgwSrcVpcID
    case tgwDstVpcID, tgwSrcSubnetID, tgwDstSubnetID, tgwSrcENI, tgwDstENI, tgwSrcAzID, tgwDstAzID
    case tgwPairAttachmentID, packetsLostNoRoute, packetsLostBlackhole, packetsLostMTUExceeded
    case packetsLostTTLExpired
    // v7 (ECS)
    case ecsClusterARN, ecsClusterName, ecsContainerInstanceARN, ecsContainerInstanceID, ecsContainerID
    case ecsSecondContainerID, ecsServiceName, ecsTaskDefinitionARN, ecsTaskARN, ecsTaskID
    // v8 and later
    case rejectReason, resourceID, encryptionStatus

    public static func < (lhs: FlowField, rhs: FlowField) -> Bool { lhs.rawValue < rhs.rawValue }

    /// How a field's text is parsed and stored.
    public enum Kind: Sendable {
        /// An unsigned counter or code, with the largest value it may take.
        case number(max: UInt64)
        /// A Unix time in seconds (or milliseconds when above 2^31).
        case time
        /// An IPv4 or IPv6 address.
        case address
        /// An interned string (identifiers, names, ARNs).
        case text
        /// `ACCEPT` or `REJECT`.
        case action
        /// `OK`, `NODATA` or `SKIPDATA`.
        case logStatus
        /// `ingress` or `egress`.
        case flowDirection
    }

    /// The name AWS gives the field in a log format and a header line, such as `pkt-srcaddr`.
    public var name: String { Self.names[Int(rawValue)] }

    /// The column name used in SQL and Parquet: the AWS name with `-` turned into `_`.
    public var columnName: String { Self.names[Int(rawValue)].replacingDashes() }

    /// The first flow log version that has the field.
    public var introducedIn: Int {
        switch self {
        case .version ... .logStatus: 2
        case .vpcID ... .pktDstaddr: 3
        case .region ... .sublocationID: 4
        case .pktSrcAWSService ... .trafficPath: 5
        case .resourceType ... .packetsLostTTLExpired: 6
        case .ecsClusterARN ... .ecsTaskID: 7
        default: 8
        }
    }

    /// How the field is parsed and stored.
    public var kind: Kind {
        switch self {
        case .version: .number(max: 255)
        case .srcport, .dstport: .number(max: 65535)
        case .proto: .number(max: 255)
        case .packets, .bytes, .packetsLostNoRoute, .packetsLostBlackhole, .packetsLostMTUExceeded,
            .packetsLostTTLExpired:
            .number(max: UInt64.max)
        case .tcpFlags: .number(max: 65535)
        case .trafficPath: .number(max: 255)
        case .encryptionStatus: .number(max: 255)
        case .start, .end: .time
        case .srcaddr, .dstaddr, .pktSrcaddr, .pktDstaddr: .address
        case .action: .action
        case .logStatus: .logStatus
        case .flowDirection: .flowDirection
        default: .text
        }
    }

    /// Bit of this field in a record's presence mask.
    @inlinable public var bit: UInt64 { 1 &<< UInt64(rawValue) }

    /// Finds a field by its AWS name (`pkt-srcaddr`), its column name (`pkt_srcaddr`), or its log
    /// format placeholder (`${pkt-srcaddr}`).
    public init?(name: some StringProtocol) {
        var text = String(name)
        if text.hasPrefix("${") && text.hasSuffix("}") { text = String(text.dropFirst(2).dropLast()) }
        text = String(text.map { $0 == "_" ? "-" : $0 })
        guard let index = Self.names.firstIndex(of: text) else { return nil }
        self.init(rawValue: UInt8(index))
    }

    static let names: [String] = [
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
        "packets", "bytes", "start", "end", "action", "log-status",
        "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
        "region", "az-id", "sublocation-type", "sublocation-id",
        "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
        "resource-type", "tgw-id", "tgw-attachment-id", "tgw-src-vpc-account-id", "tgw-dst-vpc-account-id",
        "tgw-src-vpc-id", "tgw-dst-vpc-id", "tgw-src-subnet-id", "tgw-dst-subnet-id", "tgw-src-eni",
        "tgw-dst-eni", "tgw-src-az-id", "tgw-dst-az-id", "tgw-pair-attachment-id", "packets-lost-no-route",
        "packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired",
        "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id",
        "ecs-container-id", "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn",
        "ecs-task-arn", "ecs-task-id",
        "reject-reason", "resource-id", "encryption-status",
    ]
}

extension FlowField {
    /// The version 2 default format, used when a file has no header and no field list is given.
    public static let v2Default: [FlowField] = [
        .version, .accountID, .interfaceID, .srcaddr, .dstaddr, .srcport, .dstport, .proto, .packets, .bytes,
        .start, .end, .action, .logStatus,
    ]

    /// Every field of versions 2 to 5 in AWS's order (the 29-field "all fields" layout).
    public static let v5All: [FlowField] = FlowField.allCases.filter { $0.introducedIn <= 5 }

    /// AWS's default format for Transit Gateway flow logs (36 fields).
    public static let transitGatewayDefault: [FlowField] = [
        .version, .resourceType, .accountID, .tgwID, .tgwAttachmentID, .tgwSrcVpcAccountID, .tgwDstVpcAccountID,
        .tgwSrcVpcID, .tgwDstVpcID, .tgwSrcSubnetID, .tgwDstSubnetID, .tgwSrcENI, .tgwDstENI, .tgwSrcAzID,
        .tgwDstAzID, .tgwPairAttachmentID, .srcaddr, .dstaddr, .srcport, .dstport, .proto, .packets, .bytes,
        .start, .end, .logStatus, .type, .packetsLostNoRoute, .packetsLostBlackhole, .packetsLostMTUExceeded,
        .packetsLostTTLExpired, .tcpFlags, .region, .flowDirection, .pktSrcAWSService, .pktDstAWSService,
    ]
}

extension String {
    func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}
