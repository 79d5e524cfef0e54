import FlowCore

/// Benign look-alike: both load balancer nodes health-check every web instance (`GET /health`
/// on 8080) at the target group's interval, 10 to 30 seconds: a new short connection from each
/// node to each target, all day, which a naive brute-force or beaconing rule could count.
public struct BenignHealthChecksScenario: CatalogScenario {
    public static let id = "benign-health-checks"
    public static let expectedRule = ""

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let nodes = network.loadBalancers
        let targets = network.roles.web.map { network.hosts[$0] }
        let interval = Int64(recorder.random.int(in: 10...30))
        var labels: [ScenarioLabel] = []
        for node in nodes {
            var time = range.start + Int64(recorder.random.below(Int(interval)))
            while time < range.end {
                for target in targets {
                    let connection = recorder.tcp(
                        .host(node), .host(target), clientPort: recorder.linuxPort(), port: 8080,
                        start: time + Int64(recorder.random.below(2)), duration: 0,
                        sent: recorder.random.logNormal(median: 180, sigma: 0.05),
                        received: recorder.random.logNormal(median: 320, sigma: 0.05))
                    recorder.add(connection)
                }
                time += interval
            }
            labels.append(
                ScenarioLabel(
                    scenarioID: "\(Self.id)-\(labels.count + 1)", expectedRule: Self.expectedRule, src: node.address,
                    dst: nil, firstSeen: range.start, lastSeen: range.end - 1,
                    description:
                        "\(node.name) (\(node.address)) health-checks the \(targets.count) web instances on 8080 every \(interval) s"
                ))
        }
        return ScenarioInjection(records: recorder.records, labels: labels)
    }
}
