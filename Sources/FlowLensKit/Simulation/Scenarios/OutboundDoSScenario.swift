import FlowCore

/// `outbound-dos`: a flooding bot on `web-1` sends small UDP packets to one internet address
/// (port 80) at about 6,000 packets a second for eight minutes, through the NAT gateway. The
/// target never answers, so only the outbound direction is logged.
public struct OutboundDoSScenario: CatalogScenario {
    public static let id = "outbound-dos"
    public static let expectedRule = "outbound-dos"

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("web-1")
        let target = recorder.internetAddress(0x07)
        let duration = Int64(recorder.random.int(in: 420...540))
        let start = recorder.start(position: 0.85, duration: duration)
        let rate = recorder.random.logNormal(median: 6_000, sigma: 0.1)
        let packets = UInt64(rate * Double(duration))
        let connection = SimulatedConnection(
            client: .host(source), server: .external(target), clientPort: recorder.linuxPort(), serverPort: 80,
            proto: 17, start: start, duration: duration, requestBytes: packets * 92, requestPackets: packets,
            responseBytes: 0, responsePackets: 1, throughNAT: true)
        // The flood's target sends nothing back.
        recorder.add(connection) { $0.packetSource != target }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: target,
            description:
                "web-1 (\(source.address)) flooded \(target) with 92-byte UDP packets to port 80 at about \(Int(rate)) packets/s for \(duration / 60) min through the NAT gateway"
        )
    }
}
