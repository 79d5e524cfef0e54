/// Indices of the interfaces each kind of traffic draws from, resolved once per network so
/// that per-slice generators do not search hosts by name.
struct HostRoles: Sendable {
    let loadBalancers: [Int]
    let web: [Int]
    let app: [Int]
    let cache: [Int]
    let batch: [Int]
    let primary: Int
    let replica: Int
    let bastion: Int
    let monitor: Int
    let natGateway: Int
    /// Instances that query DNS, busiest tiers listed more than once to weight them.
    let dnsClients: [Int]
    let monitored: [Int]
    let sshTargets: [Int]
    let scanTargets: [Int]

    init(hosts: [SimulatedHost]) {
        func named(_ name: String) -> Int { hosts.first { $0.name == name }!.index }
        func tier(_ tier: SimulatedTier) -> [Int] { hosts.filter { $0.tier == tier && !$0.isIdle }.map(\.index) }
        loadBalancers = hosts.filter { $0.role == .loadBalancer }.map(\.index)
        web = tier(.web)
        app = tier(.app)
        cache = tier(.cache)
        batch = tier(.batch)
        primary = named("db-1")
        replica = named("db-2")
        bastion = named("bastion")
        monitor = named("monitor")
        natGateway = named("nat-1")
        dnsClients = app + app + app + web + web + batch + cache + [primary, replica, bastion, monitor]
        monitored = web + app + cache + batch + [primary, replica, bastion]
        sshTargets = web + app + cache + batch + [primary, replica]
        scanTargets = loadBalancers + [bastion]
    }
}
