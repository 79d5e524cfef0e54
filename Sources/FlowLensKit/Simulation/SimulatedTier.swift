/// A tier of the simulated VPC: the machines that do one job, in their own subnets.
///
/// Each tier becomes a trust zone in the matching `flowlens.yml` (``zoneName``).
public enum SimulatedTier: String, CaseIterable, Sendable, Hashable {
    /// Public subnets: the load balancer nodes and the NAT gateway.
    case loadBalancer
    case web
    case app
    case cache
    case batch
    case database
    /// The bastion and the monitoring host.
    case ops

    /// The zone name used in configs and reports: `lb`, `web`, `app`, `cache`, `batch`, `db`, `ops`.
    public var zoneName: String {
        switch self {
        case .loadBalancer: "lb"
        case .database: "db"
        default: rawValue
        }
    }

    // Third octet of the tier's subnet in each availability zone (10.20.<octet>.0/24); ops has
    // a single subnet, as a bastion usually does.
    var subnetOctets: [UInt32] {
        switch self {
        case .loadBalancer: [0, 10]
        case .web: [1, 11]
        case .app: [2, 12]
        case .cache: [3, 13]
        case .batch: [4, 14]
        case .database: [5, 15]
        case .ops: [6]
        }
    }
}
