import FlowCore

/// `port-sweep`: a compromised web instance (`web-4`) looking for SMB (445) across its own subnet
/// and the app subnet, as worms do: one SYN per address, a few retransmitted. Addresses with an
/// interface refuse it (REJECT on their side); the rest never answer, so only `web-4` logs them.
public struct PortSweepScenario: CatalogScenario {
    public static let id = "port-sweep"
    public static let expectedRule = "port-sweep"

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("web-4")
        let start = recorder.start(position: 0.45, duration: 600)
        var time = start
        var probed = 0
        var hit = 0
        for subnet in network.subnets where subnet.tier == .web || subnet.tier == .app {
            guard subnet.cidr.contains(source.address) || subnet.name.hasSuffix("-a") else { continue }
            let base = subnet.cidr.network.ipv4Value
            for last in UInt32(4)...254 {
                let address = IPAddress(ipv4: base | last)
                if address == source.address { continue }
                let server: SimulatedConnection.Peer
                if let host = network.host(at: address) {
                    server = .host(host)
                    hit += 1
                } else {
                    server = .external(address)
                }
                recorder.add(
                    recorder.probe(
                        .host(source), server, clientPort: recorder.linuxPort(), port: 445, start: time,
                        packets: recorder.random.chance(0.2) ? 2 : 1))
                probed += 1
                // About four addresses a second.
                if recorder.random.chance(0.25) { time += 1 }
            }
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: nil,
            description:
                "web-4 (\(source.address)) probed SMB (445) on \(probed) addresses of the web and app subnets in \(time - start + 1) s; \(hit) interfaces refused, the rest never answered"
        )
    }
}
