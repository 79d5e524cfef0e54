public import FlowCore

/// `threat-intel-match`: `app-2` downloads a second-stage payload from a known-bad address over
/// HTTPS, three times in a quarter of an hour, through the NAT gateway. The address is fixed
/// (``indicator``) so that a demo can put it in the config's intel list.
public struct ThreatIntelMatchScenario: CatalogScenario {
    public static let id = "threat-intel-match"
    public static let expectedRule = "threat-intel-match"
    /// The listed address the scenario contacts; write it into the config's `intel:` list.
    public static let indicator = IPAddress("203.0.113.66")!
    /// Entries for an intel list that contains the indicator among others, as feeds do.
    public static let intelEntries = ["203.0.113.66/32", "198.51.100.0/28", "192.0.2.45/32"]

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("app-2")
        let start = recorder.start(position: 0.5, duration: 900)
        var time = start
        for _ in 0..<3 {
            let connection = recorder.tcp(
                .host(source), .external(Self.indicator), clientPort: recorder.linuxPort(), port: 443, start: time,
                duration: Int64(recorder.random.int(in: 2...20)),
                sent: recorder.random.logNormal(median: 1_500, sigma: 0.3),
                received: recorder.random.logNormal(median: 2_500_000, sigma: 0.5), throughNAT: true)
            recorder.add(connection)
            time += Int64(recorder.random.int(in: 200...400))
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: Self.indicator,
            description:
                "app-2 (\(source.address)) downloaded from \(Self.indicator), an address on the intel list, three times over HTTPS"
        )
    }
}
