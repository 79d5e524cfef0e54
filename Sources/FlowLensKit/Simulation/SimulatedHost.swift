public import FlowCore

/// One network interface of the simulated VPC and what is behind it.
public struct SimulatedHost: Sendable, Hashable {
    /// What owns the interface; load balancer and NAT gateway interfaces have no instance id.
    public enum Role: Sendable, Hashable {
        case instance
        case loadBalancer
        case natGateway
    }

    /// Position in ``SimulatedNetwork/hosts``.
    public let index: Int
    /// A readable name such as `web-3` or `bastion`.
    public let name: String
    public let tier: SimulatedTier
    public let role: Role
    /// The private address, which flow logs show as `srcaddr`/`dstaddr` on this interface.
    public let address: IPAddress
    /// The public (elastic) address, for interfaces reachable from the internet.
    public let publicAddress: IPAddress?
    /// Position of its subnet in ``SimulatedNetwork/subnets``.
    public let subnetIndex: Int
    /// `eni-0…`.
    public let interfaceID: String
    /// `i-0…`, or nil for load balancer and NAT gateway interfaces.
    public let instanceID: String?
    /// A standby interface with no traffic, which logs only NODATA records.
    public let isIdle: Bool
    /// Which delivery group's files carry this interface's records (AWS splits a flow log's
    /// output across several files per delivery window).
    public let deliveryGroup: Int
}
