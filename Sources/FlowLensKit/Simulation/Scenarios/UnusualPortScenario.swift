import FlowCore

/// `unusual-port`: `app-6`, whose only outbound traffic for more than six hours is HTTPS to
/// partner APIs and S3, opens an IRC connection (6667) to an internet server: a bot joining its
/// channel.
public struct UnusualPortScenario: CatalogScenario {
    public static let id = "unusual-port"
    public static let expectedRule = "unusual-port"
    public static let minimumHours = 7.5

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("app-6")
        let server = recorder.internetAddress(0x08)
        let duration = Int64(recorder.random.int(in: 600...1_200))
        let start = recorder.start(position: 0.2, duration: duration, lead: 6 * 3_600 + 1_200)
        let connection = recorder.tcp(
            .host(source), .external(server), clientPort: recorder.linuxPort(), port: 6667, start: start,
            duration: duration, sent: recorder.random.logNormal(median: 4_000, sigma: 0.3),
            received: recorder.random.logNormal(median: 30_000, sigma: 0.5), throughNAT: true)
        recorder.add(connection)
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: server,
            description:
                "app-6 (\(source.address)), which had only used HTTPS outbound, connected to IRC (6667/tcp) at \(server) after more than six hours"
        )
    }
}
