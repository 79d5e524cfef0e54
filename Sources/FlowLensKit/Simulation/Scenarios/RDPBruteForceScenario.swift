import FlowCore

/// `rdp-brute-force`: a compromised instance (`app-3`) guessing passwords on RDP of the Windows
/// batch worker `batch-2`: many short sessions inside the VPC, which makes it critical.
public struct RDPBruteForceScenario: CatalogScenario {
    public static let id = "rdp-brute-force"
    public static let expectedRule = "rdp-brute-force"

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("app-3")
        let target = recorder.host("batch-2")
        let sessions = recorder.random.int(in: 45...60)
        let start = recorder.start(position: 0.7, duration: 600)
        var time = start
        for _ in 0..<sessions {
            // NLA handshake and a failed logon: a few kilobytes each way, a second or two.
            let connection = recorder.tcp(
                .host(source), .host(target), clientPort: recorder.linuxPort(), port: 3389, start: time,
                duration: Int64(recorder.random.int(in: 1...3)),
                sent: recorder.random.logNormal(median: 3_500, sigma: 0.2),
                received: recorder.random.logNormal(median: 6_000, sigma: 0.2))
            recorder.add(connection)
            time += Int64(recorder.random.int(in: 7...12))
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: target.address,
            description:
                "\(sessions) short RDP sessions in \((time - start + 59) / 60) min from app-3 (\(source.address)), a compromised instance, to batch-2 (\(target.address))"
        )
    }
}
