public import FlowCore

/// One subnet of the simulated VPC.
public struct SimulatedSubnet: Sendable, Hashable {
    /// Position in ``SimulatedNetwork/subnets``.
    public let index: Int
    /// A readable name such as `app-b`.
    public let name: String
    public let tier: SimulatedTier
    public let cidr: CIDR
    /// `subnet-0…`, 17 hex digits as AWS writes them.
    public let subnetID: String
    /// The availability zone id, such as `use1-az2`.
    public let azID: String
}
