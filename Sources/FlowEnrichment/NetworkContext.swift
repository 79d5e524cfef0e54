public import FlowCore

/// What FlowLens knows about the user's network: their address space, trusted sources, resolvers,
/// trust zones, the zone policy and threat intelligence. Built from `flowlens.yml`; read by rules.
public struct NetworkContext: Sendable {
    /// The user's own address space (default RFC 1918, RFC 6598 and fc00::/7).
    public var internalNetworks: CIDRSet
    /// Sources allowed to use admin ports (bastions, VPN ranges).
    public var trusted: CIDRSet
    /// Approved DNS resolvers. Empty means "not configured": then any internal address counts as
    /// approved, since traffic to the VPC's own resolver never appears in flow logs.
    public var dnsResolvers: CIDRSet
    /// Addresses from threat-intelligence lists.
    public var intel: CIDRSet
    /// NAT gateways' private addresses. Their ENI records each outbound connection twice: the
    /// instance's leg (with the instance as `pkt-srcaddr`) and the gateway's own leg to the
    /// internet; rules skip the second, so the alert names the instance.
    public var natGateways: CIDRSet = CIDRSet()
    /// Trust zones in configuration order; the first zone containing an address wins.
    public var zones: [Zone]
    public var policy: ZonePolicy
    /// Further named sets (from the config's `sets:` section), usable as `$name` in expressions.
    public var extraSets: [String: CIDRSet]

    public struct Zone: Sendable, Hashable {
        public var name: String
        public var networks: CIDRSet
        public init(name: String, networks: CIDRSet) {
            self.name = name
            self.networks = networks
        }
    }

    public init(
        internalNetworks: CIDRSet = .privateNetworks, trusted: CIDRSet = CIDRSet(), dnsResolvers: CIDRSet = CIDRSet(),
        intel: CIDRSet = CIDRSet(), zones: [Zone] = [], policy: ZonePolicy = ZonePolicy(),
        extraSets: [String: CIDRSet] = [:]
    ) {
        self.internalNetworks = internalNetworks
        self.trusted = trusted
        self.dnsResolvers = dnsResolvers
        self.intel = intel
        self.zones = zones
        self.policy = policy
        self.extraSets = extraSets
    }

    /// Index of the zone holding `address`, or nil.
    public func zoneIndex(of address: IPAddress) -> Int? {
        for (index, zone) in zones.enumerated() where zone.networks.contains(address) { return index }
        return nil
    }

    public func zoneName(of address: IPAddress) -> String? { zoneIndex(of: address).map { zones[$0].name } }

    /// The sets an expression can name: `$internal`, `$trusted`, `$dns_resolvers`, `$intel`,
    /// every zone by name, and the extra sets.
    public var namedSets: [String: CIDRSet] {
        var sets = extraSets
        sets["internal"] = internalNetworks
        sets["external"] = nil
        sets["trusted"] = trusted
        sets["dns_resolvers"] = dnsResolvers.isEmpty ? internalNetworks : dnsResolvers
        sets["intel"] = intel
        sets["nat_gateways"] = natGateways
        for zone in zones { sets[zone.name] = zone.networks }
        return sets
    }
}

/// Which zones are protected and which flows into them are allowed.
public struct ZonePolicy: Sendable, Hashable {
    public var protect: [String]
    public var allow: [AllowEntry]

    public struct AllowEntry: Sendable, Hashable {
        /// Source zone name, or nil for any.
        public var from: String?
        public var to: String
        /// Allowed service ports; empty means any.
        public var ports: [ClosedRange<UInt16>]
        /// Allowed source addresses; empty means any address of the `from` zone.
        public var sources: CIDRSet

        public init(from: String?, to: String, ports: [ClosedRange<UInt16>] = [], sources: CIDRSet = CIDRSet()) {
            self.from = from
            self.to = to
            self.ports = ports
            self.sources = sources
        }
    }

    public init(protect: [String] = [], allow: [AllowEntry] = []) {
        self.protect = protect
        self.allow = allow
    }
}
