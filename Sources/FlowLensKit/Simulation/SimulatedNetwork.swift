public import FlowCore

/// The simulated VPC: its address plan, interfaces and the outside world they talk to.
///
/// The layout is fixed (so configs, tests and docs can name addresses); the seed chooses the
/// resource ids, the public addresses and the internet population. The VPC is 10.20.0.0/16 with
/// two availability zones; each tier has a /24 per zone (10.20.N.0/24 and 10.20.N+10.0/24):
///
/// | tier | subnets | interfaces |
/// |---|---|---|
/// | lb | .0, .10 | `lb-1` .0.21, `lb-2` .10.21 (public), `nat-1` .0.10 (NAT gateway) |
/// | web | .1, .11 | `web-1`…`web-6` |
/// | app | .2, .12 | `app-1`…`app-6` (10.20.2.11 is `app-1`) |
/// | cache | .3, .13 | `cache-1`, `cache-2` (Redis 6379) |
/// | batch | .4, .14 | `batch-1`…`batch-3`, `standby-1` (idle: NODATA only) |
/// | db | .5, .15 | `db-1` primary, `db-2` replica (PostgreSQL 5432) |
/// | ops | .6 | `bastion` 10.20.6.5 (public, SSH), `monitor` 10.20.6.6 |
///
/// The resolver is 10.20.0.2, the VPC base plus two, as in every AWS VPC.
public struct SimulatedNetwork: Sendable {
    public let seed: UInt64
    public let accountID: String
    public let region: String
    /// `vpc-0…`.
    public let vpcID: String
    public let vpcCIDR: CIDR
    /// The Amazon-provided DNS resolver (VPC base + 2).
    public let resolver: IPAddress
    public let subnets: [SimulatedSubnet]
    public let hosts: [SimulatedHost]
    /// Office addresses on the internet that administrators SSH to the bastion from.
    public let adminSources: [IPAddress]
    /// Number of distinct internet clients of the load balancers.
    public let clientCount: Int
    /// Number of delivery groups (files per delivery window).
    public let deliveryGroups: Int

    // Hot-path lookups: host indices by tier, and the record skeleton of each interface.
    let tierHosts: [SimulatedTier: [Int]]
    let templates: [FlowRecord]
    let templatePresence: [UInt64]
    let roles: HostRoles
    let hostBySymbol: [UInt32: Int]
    let apiEndpoints: [UInt32]
    let awsAPIEndpoints: [UInt32]
    let s3Endpoints: [UInt32]
    let clientCDF: [Double]
    let typeIPv4 = Symbol("IPv4")
    let serviceSymbols = [Symbol.empty, Symbol("AMAZON"), Symbol("S3")]

    /// Builds the network for a seed.
    public init(seed: UInt64, accountID: String = "123456789012", region: String = "us-east-1") {
        self.seed = seed
        self.accountID = accountID
        self.region = region
        var ids = IdentifierFactory(seed: seed)
        vpcID = ids.next("vpc-")
        vpcCIDR = CIDR(network: IPAddress(ipv4: 0x0A14_0000), prefixLength: 16)
        resolver = IPAddress(ipv4: 0x0A14_0002)
        deliveryGroups = 4
        clientCount = 50_000

        let zonePrefix = Self.availabilityZonePrefix(region: region)
        var subnets: [SimulatedSubnet] = []
        for tier in SimulatedTier.allCases {
            for (zone, octet) in tier.subnetOctets.enumerated() {
                subnets.append(
                    SimulatedSubnet(
                        index: subnets.count, name: "\(tier.zoneName)-\(zone == 0 ? "a" : "b")", tier: tier,
                        cidr: CIDR(network: IPAddress(ipv4: 0x0A14_0000 | octet << 8), prefixLength: 24),
                        subnetID: ids.next("subnet-"), azID: "\(zonePrefix)-az\(zone + 1)"))
            }
        }
        self.subnets = subnets

        var hosts: [SimulatedHost] = []
        func add(
            _ name: String, _ tier: SimulatedTier, _ role: SimulatedHost.Role, zone: Int, host: UInt32,
            isPublic: Bool = false, idle: Bool = false
        ) {
            let subnet = subnets.first { $0.tier == tier && $0.name.hasSuffix(zone == 0 ? "-a" : "-b") }!
            let index = hosts.count
            hosts.append(
                SimulatedHost(
                    index: index, name: name, tier: tier, role: role,
                    address: IPAddress(ipv4: subnet.cidr.network.ipv4Value | host),
                    publicAddress: isPublic
                        ? IPAddress(ipv4: Self.publicAddress(SimulationRandom.mix(seed ^ 0x5055_4200 ^ UInt64(index))))
                        : nil,
                    subnetIndex: subnet.index, interfaceID: ids.next("eni-"),
                    instanceID: role == .instance ? ids.next("i-") : nil, isIdle: idle,
                    deliveryGroup: index % 4))
        }
        add("lb-1", .loadBalancer, .loadBalancer, zone: 0, host: 21, isPublic: true)
        add("lb-2", .loadBalancer, .loadBalancer, zone: 1, host: 21, isPublic: true)
        add("nat-1", .loadBalancer, .natGateway, zone: 0, host: 10, isPublic: true)
        for tier in [SimulatedTier.web, .app] {
            for n in 0..<6 { add("\(tier.zoneName)-\(n + 1)", tier, .instance, zone: n / 3, host: 11 + UInt32(n % 3)) }
        }
        add("cache-1", .cache, .instance, zone: 0, host: 11)
        add("cache-2", .cache, .instance, zone: 1, host: 11)
        add("batch-1", .batch, .instance, zone: 0, host: 11)
        add("batch-2", .batch, .instance, zone: 0, host: 12)
        add("batch-3", .batch, .instance, zone: 1, host: 11)
        add("standby-1", .batch, .instance, zone: 1, host: 50, idle: true)
        add("db-1", .database, .instance, zone: 0, host: 11)
        add("db-2", .database, .instance, zone: 1, host: 11)
        add("bastion", .ops, .instance, zone: 0, host: 5, isPublic: true)
        add("monitor", .ops, .instance, zone: 0, host: 6)
        self.hosts = hosts

        var byTier: [SimulatedTier: [Int]] = [:]
        for host in hosts where !host.isIdle { byTier[host.tier, default: []].append(host.index) }
        tierHosts = byTier

        adminSources = (0..<2).map {
            IPAddress(ipv4: Self.publicAddress(SimulationRandom.mix(seed ^ 0xAD01 &+ UInt64($0))))
        }
        apiEndpoints = (0..<16).map { Self.publicAddress(SimulationRandom.mix(seed ^ 0xA9100 &+ UInt64($0))) }
        // Plausible AWS service space (52.94.0.0/16 API endpoints, 52.216.0.0/15 S3): realism for
        // the AWS-service fields, not a claim about current ip-ranges.json.
        awsAPIEndpoints = (0..<6).map {
            0x345E_0000 | UInt32(truncatingIfNeeded: SimulationRandom.mix(seed ^ 0xA3 &+ UInt64($0))) & 0xFFFF
        }
        s3Endpoints = (0..<8).map {
            0x34D8_0000 | UInt32(truncatingIfNeeded: SimulationRandom.mix(seed ^ 0x53 &+ UInt64($0))) & 0x1_FFFF
        }

        // Zipf (s = 1) popularity: client k is chosen with weight 1/(k+1).
        var cdf = [Double](repeating: 0, count: clientCount)
        var sum = 0.0
        for k in 0..<clientCount {
            sum += 1.0 / Double(k + 1)
            cdf[k] = sum
        }
        clientCDF = cdf.map { $0 / sum }

        var templates: [FlowRecord] = []
        var bySymbol: [UInt32: Int] = [:]
        let account = Symbol(accountID)
        let vpc = Symbol(vpcID)
        let regionSymbol = Symbol(region)
        for host in hosts {
            var record = FlowRecord()
            let subnet = subnets[host.subnetIndex]
            record[text: .accountID] = account
            let interface = Symbol(host.interfaceID)
            record[text: .interfaceID] = interface
            bySymbol[interface.id] = host.index
            record[text: .vpcID] = vpc
            record[text: .subnetID] = Symbol(subnet.subnetID)
            record[text: .region] = regionSymbol
            record[text: .azID] = Symbol(subnet.azID)
            record.present =
                FlowField.accountID.bit | FlowField.interfaceID.bit | FlowField.vpcID.bit | FlowField.subnetID.bit
                | FlowField.region.bit | FlowField.azID.bit | FlowField.start.bit | FlowField.end.bit
                | FlowField.logStatus.bit
            if let instance = host.instanceID {
                record[text: .instanceID] = Symbol(instance)
                record.present |= FlowField.instanceID.bit
            }
            templates.append(record)
        }
        self.templates = templates
        templatePresence = templates.map(\.present)
        hostBySymbol = bySymbol
        roles = HostRoles(hosts: hosts)
    }

    /// The interfaces of one tier, idle standbys included.
    public func hosts(in tier: SimulatedTier) -> [SimulatedHost] { hosts.filter { $0.tier == tier } }

    /// The subnet blocks of one tier.
    public func cidrs(of tier: SimulatedTier) -> [CIDR] { subnets.filter { $0.tier == tier }.map(\.cidr) }

    /// The interface with a name such as `bastion` or `db-1`.
    public func host(named name: String) -> SimulatedHost? { hosts.first { $0.name == name } }

    /// The interface that owns an address (private or public), if any.
    public func host(at address: IPAddress) -> SimulatedHost? {
        hosts.first { $0.address == address || $0.publicAddress == address }
    }

    public var bastion: SimulatedHost { host(named: "bastion")! }
    public var monitor: SimulatedHost { host(named: "monitor")! }
    public var natGateway: SimulatedHost { host(named: "nat-1")! }
    public var loadBalancers: [SimulatedHost] { hosts.filter { $0.role == .loadBalancer } }

    /// The address of the internet client with popularity rank `rank` (0 is the busiest).
    public func clientAddress(rank: Int) -> IPAddress {
        IPAddress(ipv4: Self.publicAddress(SimulationRandom.mix(seed ^ 0xC1_1E47 &+ UInt64(rank))))
    }

    /// AWS's availability zone id prefix for a region: `us-east-1` → `use1`, `ap-southeast-2` → `apse2`.
    static func availabilityZonePrefix(region: String) -> String {
        let parts = region.split(separator: "-")
        guard parts.count >= 3 else { return String(region.filter { $0 != "-" }) }
        let direction: String
        switch parts[1] {
        case "east": direction = "e"
        case "west": direction = "w"
        case "north": direction = "n"
        case "south": direction = "s"
        case "central": direction = "c"
        case "northeast": direction = "ne"
        case "northwest": direction = "nw"
        case "southeast": direction = "se"
        case "southwest": direction = "sw"
        default: direction = String(parts[1].prefix(2))
        }
        return String(parts[0]) + direction + parts[2...].joined()
    }

    /// A routable public IPv4 address derived from `hash`: private, shared, loopback, link-local,
    /// documentation, benchmark and multicast space are skipped.
    static func publicAddress(_ hash: UInt64) -> UInt32 {
        var h = hash
        while true {
            let v = UInt32(truncatingIfNeeded: h >> 16)
            let a = v >> 24
            let reserved =
                a == 0 || a == 10 || a == 127 || a >= 224 || v >> 22 == (100 << 2 | 1) || v >> 16 == 0xA9FE
                || v >> 20 == 0xAC1 || v >> 16 == 0xC0A8 || v >> 8 == 0xC0_0000 || v >> 8 == 0xC0_0002
                || v >> 17 == (0xC612 >> 1) || v >> 8 == 0xC6_3364 || v >> 8 == 0xCB_0071
                || v & 0xFF == 0 || v & 0xFF == 255
            if !reserved { return v }
            h = SimulationRandom.mix(h)
        }
    }
}

/// Makes AWS-style resource ids (`eni-0` + 16 hex digits) from the seed, in a fixed order.
private struct IdentifierFactory {
    private var random: SimulationRandom

    init(seed: UInt64) { random = SimulationRandom(seed: seed, stream: 0x1D) }

    mutating func next(_ prefix: String) -> String {
        let hex = String(random.next(), radix: 16)
        return prefix + "0" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
