public import FlowCore

/// `unapproved-dns`: malware on `web-5` resolves its domains through Google's public resolver
/// (8.8.8.8) instead of the VPC resolver, one query every half minute to two minutes for two
/// hours, through the NAT gateway.
public struct UnapprovedDNSScenario: CatalogScenario {
    public static let id = "unapproved-dns"
    public static let expectedRule = "unapproved-dns"
    public static let resolver = IPAddress("8.8.8.8")!

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("web-5")
        let span: Int64 = 7_200
        let start = recorder.start(position: 0.3, duration: span)
        var time = start
        var queries = 0
        while time < start + span {
            let connection = SimulatedConnection(
                client: .host(source), server: .external(Self.resolver), clientPort: recorder.linuxPort(),
                serverPort: 53, proto: 17, start: time, duration: 0,
                requestBytes: UInt64(recorder.random.int(in: 62...110)), requestPackets: 1,
                responseBytes: UInt64(recorder.random.int(in: 90...480)), responsePackets: 1, throughNAT: true)
            recorder.add(connection)
            queries += 1
            time += Int64(recorder.random.int(in: 30...120))
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: Self.resolver,
            description:
                "web-5 (\(source.address)) sent \(queries) DNS queries (53/udp) to \(Self.resolver) over two hours instead of the VPC resolver"
        )
    }
}
