import FlowCore

/// `zone-policy-violation`: `web-2`, a web-tier instance, connects straight to the primary
/// database (`db-1`) on PostgreSQL and pulls data; the policy protects the db zone and allows
/// only the app and batch tiers (and the ops hosts) in.
public struct ZonePolicyViolationScenario: CatalogScenario {
    public static let id = "zone-policy-violation"
    public static let expectedRule = "zone-policy-violation"

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("web-2")
        let target = recorder.host("db-1")
        let start = recorder.start(position: 0.25, duration: 1_200)
        var time = start
        let sessions = recorder.random.int(in: 6...10)
        for _ in 0..<sessions {
            let connection = recorder.tcp(
                .host(source), .host(target), clientPort: recorder.linuxPort(), port: 5432, start: time,
                duration: Int64(recorder.random.int(in: 5...90)),
                sent: recorder.random.logNormal(median: 3_000, sigma: 0.6),
                received: recorder.random.logNormal(median: 2_000_000, sigma: 1))
            recorder.add(connection)
            time += Int64(recorder.random.int(in: 60...180))
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: target.address,
            description:
                "web-2 (\(source.address)) in the web tier opened \(sessions) accepted PostgreSQL (5432) connections straight to db-1 (\(target.address)); policy allows only app, batch and ops into db"
        )
    }
}
