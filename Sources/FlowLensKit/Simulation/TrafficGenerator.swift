import FlowCore

/// Draws connections of each ``TrafficKind`` and hands them to a ``ConnectionEmitter``.
///
/// All randomness comes from `random`, so a generator seeded for one time slice produces the
/// same records on any thread.
struct TrafficGenerator {
    let network: SimulatedNetwork
    var emitter: ConnectionEmitter
    var random: SimulationRandom

    private let roles: HostRoles
    private let clientCDF: [Double]

    /// Longest connection the generator draws, which bounds how far ahead a slice can write.
    static let maximumDuration: Int64 = 3600

    init(network: SimulatedNetwork, aggregation: Int, rangeEnd: Int64, random: SimulationRandom) {
        self.network = network
        self.random = random
        emitter = ConnectionEmitter(network: network, aggregation: aggregation, rangeEnd: rangeEnd)
        roles = network.roles
        clientCDF = network.clientCDF
    }

    /// Draws one connection (or one scanner's probes) of `kind` starting at `time`.
    mutating func emit(_ kind: TrafficKind, at time: Int64) {
        switch kind {
        case .internetToLoadBalancer:
            let rank = clientRank()
            let https = random.chance(0.9)
            var c = spec(client: -1, server: pick(roles.loadBalancers), port: https ? 443 : 80)
            c.clientAddress = network.clientAddress(rank: rank).ipv4Value
            c.clientPort = externalEphemeralPort()
            c.reset = random.chance(0.02) ? .client : .none
            let duration =
                random.chance(0.1) ? random.logNormal(median: 60, sigma: 1) : random.logNormal(median: 2, sigma: 1.2)
            let response =
                https ? random.logNormal(median: 20_000, sigma: 1.5) : random.logNormal(median: 600, sigma: 0.4)
            finish(
                &c, at: time, duration: duration, request: random.logNormal(median: 1_200, sigma: 1), response: response
            )
        case .loadBalancerToWeb:
            var c = spec(client: pick(roles.loadBalancers), server: pick(roles.web), port: 8080)
            c.clientPort = externalEphemeralPort()
            let duration =
                random.chance(0.15) ? random.logNormal(median: 30, sigma: 1) : random.logNormal(median: 0.5, sigma: 1)
            finish(
                &c, at: time, duration: duration, request: random.logNormal(median: 1_500, sigma: 1),
                response: random.logNormal(median: 12_000, sigma: 1.4))
        case .webToApp:
            var c = spec(client: pick(roles.web), server: pick(roles.app), port: 8443)
            let duration =
                random.chance(0.15) ? random.logNormal(median: 30, sigma: 1) : random.logNormal(median: 0.4, sigma: 1)
            finish(
                &c, at: time, duration: duration, request: random.logNormal(median: 1_500, sigma: 1),
                response: random.logNormal(median: 8_000, sigma: 1.3))
        case .appToDatabase:
            var c = spec(
                client: pick(roles.app), server: random.chance(0.7) ? roles.primary : roles.replica, port: 5432)
            if random.chance(0.2) {
                // A pooled connection, held for minutes and busy all along.
                let duration = random.logNormal(median: 600, sigma: 0.8)
                finish(
                    &c, at: time, duration: duration, request: duration * random.logNormal(median: 400, sigma: 1),
                    response: duration * random.logNormal(median: 3_000, sigma: 1.2))
            } else {
                finish(
                    &c, at: time, duration: random.logNormal(median: 0.3, sigma: 1),
                    request: random.logNormal(median: 800, sigma: 1.2),
                    response: random.logNormal(median: 6_000, sigma: 1.8))
            }
        case .appToCache:
            var c = spec(client: pick(roles.app), server: pick(roles.cache), port: 6379)
            finish(
                &c, at: time, duration: random.logNormal(median: 0.05, sigma: 1),
                request: random.logNormal(median: 300, sigma: 0.8),
                response: random.logNormal(median: 1_500, sigma: 1.2))
        case .dns:
            var c = spec(client: pick(roles.dnsClients), server: -1, port: 53)
            c.serverAddress = network.resolver.ipv4Value
            c.proto = 17
            c.start = time
            c.end = time
            c.requestBytes = UInt64(random.int(in: 60...90))
            c.responseBytes = UInt64(random.int(in: 90...320))
            emitter.emit(c)
        case .apiViaNAT:
            let roll = random.unit()
            var c = spec(
                client: roll < 0.6 ? pick(roles.app) : roll < 0.85 ? pick(roles.web) : pick(roles.batch), server: -1,
                port: 443)
            if random.chance(0.2) {
                c.serverAddress = network.awsAPIEndpoints[random.below(network.awsAPIEndpoints.count)]
                c.externalService = .amazon
            } else {
                // A few partner APIs take most calls.
                c.serverAddress =
                    network.apiEndpoints[
                        min(network.apiEndpoints.count - 1, Int(random.logNormal(median: 1.5, sigma: 1)))]
            }
            c.viaNAT = true
            c.natPort = UInt16(random.int(in: 1024...65535))
            finish(
                &c, at: time, duration: random.logNormal(median: 1.5, sigma: 1),
                request: random.logNormal(median: 2_000, sigma: 1),
                response: random.logNormal(median: 8_000, sigma: 1.5))
        case .s3ViaNAT:
            var c = spec(client: pick(roles.app), server: -1, port: 443)
            c.serverAddress = network.s3Endpoints[random.below(network.s3Endpoints.count)]
            c.externalService = .s3
            c.viaNAT = true
            c.natPort = UInt16(random.int(in: 1024...65535))
            let object = random.logNormal(median: 200_000, sigma: 1.5)
            let upload = random.chance(0.4)
            finish(
                &c, at: time, duration: random.logNormal(median: 2, sigma: 1),
                request: upload ? object : random.logNormal(median: 1_500, sigma: 0.5),
                response: upload ? random.logNormal(median: 1_000, sigma: 0.5) : object)
        case .batchToS3:
            var c = spec(client: pick(roles.batch), server: -1, port: 443)
            c.serverAddress = network.s3Endpoints[random.below(network.s3Endpoints.count)]
            c.externalService = .s3
            c.gatewayEndpoint = true
            let object = random.logNormal(median: 5_000_000, sigma: 1.2)
            let upload = random.chance(0.5)
            finish(
                &c, at: time, duration: random.logNormal(median: 20, sigma: 1),
                request: upload ? object : random.logNormal(median: 2_000, sigma: 0.5),
                response: upload ? random.logNormal(median: 1_500, sigma: 0.5) : object)
        case .batchToDatabase:
            var c = spec(
                client: pick(roles.batch), server: random.chance(0.7) ? roles.replica : roles.primary, port: 5432)
            finish(
                &c, at: time, duration: random.logNormal(median: 30, sigma: 1),
                request: random.logNormal(median: 5_000, sigma: 1),
                response: random.logNormal(median: 2_000_000, sigma: 1.2))
        case .scan:
            emitScan(at: time)
        case .monitoring:
            let target = pick(roles.monitored)
            var c = spec(
                client: roles.monitor, server: target, port: random.chance(0.5) ? 9100 : servicePort(of: target))
            finish(
                &c, at: time, duration: random.logNormal(median: 0.05, sigma: 0.5),
                request: random.logNormal(median: 250, sigma: 0.3),
                response: random.logNormal(median: 4_000, sigma: 0.8))
        case .adminSSH:
            var c = spec(client: -1, server: roles.bastion, port: 22)
            c.clientAddress = network.adminSources[random.below(network.adminSources.count)].ipv4Value
            c.clientPort = externalEphemeralPort()
            let duration = random.logNormal(median: 900, sigma: 1)
            finish(
                &c, at: time, duration: duration, request: duration * random.logNormal(median: 40, sigma: 1),
                response: duration * random.logNormal(median: 400, sigma: 1.2))
        case .bastionSSH:
            var c = spec(client: roles.bastion, server: pick(roles.sshTargets), port: 22)
            let duration = random.logNormal(median: 600, sigma: 1)
            finish(
                &c, at: time, duration: duration, request: duration * random.logNormal(median: 40, sigma: 1),
                response: duration * random.logNormal(median: 400, sigma: 1.2))
        case .replication:
            // The replica streams WAL from the primary over one long connection.
            var c = spec(client: roles.replica, server: roles.primary, port: 5432)
            let duration = random.logNormal(median: 1_800, sigma: 0.4)
            finish(
                &c, at: time, duration: duration, request: duration * random.logNormal(median: 200, sigma: 0.5),
                response: duration * random.logNormal(median: 40_000, sigma: 0.8))
        }
    }

    /// Probes from one internet scanner: one to three ports on one public interface, refused.
    private mutating func emitScan(at time: Int64) {
        let scanner = SimulatedNetwork.publicAddress(random.next())
        let target = pick(roles.scanTargets)
        let probes = random.int(in: 1...3)
        var t = time
        for _ in 0..<probes {
            var c = spec(client: -1, server: target, port: 0)
            c.clientAddress = scanner
            c.clientPort = externalEphemeralPort()
            c.rejected = true
            if random.chance(0.1) {
                c.proto = 17
                c.serverPort = Self.udpScanPorts[random.below(Self.udpScanPorts.count)]
            } else if random.chance(0.6) {
                c.serverPort = Self.tcpScanPorts[random.below(Self.tcpScanPorts.count)]
            } else {
                c.serverPort = UInt16(random.int(in: 1...65535))
            }
            // The load balancers do answer on 80 and 443; a refused probe there would be wrong.
            if network.hosts[target].role == .loadBalancer && c.proto == 6
                && (c.serverPort == 80 || c.serverPort == 443)
            {
                c.serverPort = 8443
            }
            c.start = t
            c.end = t
            c.requestPackets = UInt64(random.int(in: 1...2))
            c.requestBytes = c.requestPackets * (c.proto == 6 ? 44 : UInt64(random.int(in: 40...120)))
            emitter.emit(c)
            t += Int64(random.below(3))
        }
    }

    private static let tcpScanPorts: [UInt16] = [
        21, 22, 23, 25, 110, 135, 139, 445, 1433, 1521, 2375, 3306, 3389, 5432, 5900, 5985, 6379, 8000,
        8080, 8081, 8443, 8888, 9200, 11211, 27017,
    ]
    private static let udpScanPorts: [UInt16] = [53, 123, 137, 161, 500, 1900, 5060, 11211]

    private func servicePort(of host: Int) -> UInt16 {
        switch network.hosts[host].tier {
        case .web: 8080
        case .app: 8443
        case .cache: 6379
        case .database: 5432
        case .ops: 22
        case .batch, .loadBalancer: 9100
        }
    }

    private mutating func spec(client: Int, server: Int, port: UInt16) -> ConnectionSpec {
        var c = ConnectionSpec()
        c.clientHost = client
        c.serverHost = server
        if client >= 0 {
            c.clientAddress = network.hosts[client].address.ipv4Value
            c.clientPort = UInt16(random.int(in: 32768...60999))
        }
        if server >= 0 { c.serverAddress = network.hosts[server].address.ipv4Value }
        c.serverPort = port
        return c
    }

    private mutating func finish(
        _ c: inout ConnectionSpec, at time: Int64, duration: Double, request: Double, response: Double
    ) {
        c.start = time
        c.end = time + min(Self.maximumDuration - 1, Int64(duration))
        // Segments of about 1,400 bytes plus handshake and acknowledgements; 52-byte headers.
        c.requestPackets = 2 + UInt64(request / 1_100)
        c.responsePackets = 2 + UInt64(response / 1_400)
        c.requestBytes = UInt64(request) + c.requestPackets * 52
        c.responseBytes = UInt64(response) + c.responsePackets * 52
        emitter.emit(c)
    }

    private mutating func pick(_ hosts: [Int]) -> Int { hosts[random.below(hosts.count)] }

    // Windows and macOS use 49152–65535, Linux 32768–60999; internet clients are a mix.
    private mutating func externalEphemeralPort() -> UInt16 {
        random.chance(0.6) ? UInt16(random.int(in: 49152...65535)) : UInt16(random.int(in: 32768...60999))
    }

    /// A client's popularity rank drawn from the Zipf distribution.
    private mutating func clientRank() -> Int {
        let u = random.unit()
        let cdf = clientCDF
        var low = 0
        var high = cdf.count - 1
        while low < high {
            let mid = (low + high) >> 1
            if cdf[mid] < u { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
