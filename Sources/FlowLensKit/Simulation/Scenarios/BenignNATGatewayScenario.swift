import FlowCore

/// Benign look-alike: the NAT gateway carries every private instance's internet traffic. Besides
/// the baseline's API and S3 calls it relays a package-update run, where all web, app, cache,
/// batch and database instances download from the same three mirrors within a quarter of an
/// hour. On the gateway's interface the traffic shows the gateway as the source; the instances
/// appear only in `pkt-srcaddr`/`pkt-dstaddr`.
public struct BenignNATGatewayScenario: CatalogScenario {
    public static let id = "benign-nat-gateway"
    public static let expectedRule = ""

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let nat = network.natGateway
        let mirrors = (0..<3).map { recorder.internetAddress(0x3A70 + UInt64($0)) }
        let clients = network.roles.sshTargets.map { network.hosts[$0] }
        let start = recorder.start(position: 0.05, duration: 900, lead: 600)
        for client in clients {
            var time = start + Int64(recorder.random.below(600))
            for _ in 0..<recorder.random.int(in: 3...8) {
                let https = recorder.random.chance(0.7)
                let duration = Int64(recorder.random.int(in: 1...30))
                let connection = recorder.tcp(
                    .host(client), .external(mirrors[recorder.random.below(mirrors.count)]),
                    clientPort: recorder.linuxPort(), port: https ? 443 : 80, start: time, duration: duration,
                    sent: recorder.random.logNormal(median: 2_000, sigma: 0.4),
                    received: recorder.random.logNormal(median: 8_000_000, sigma: 1), throughNAT: true)
                recorder.add(connection)
                time += duration + Int64(recorder.random.int(in: 0...10))
            }
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: nat.address, dst: nil,
            description:
                "nat-1 (\(nat.address)) relays the instances' internet traffic: API and S3 calls all day and a package update of \(clients.count) instances from \(mirrors.count) mirrors"
        )
    }
}
