import FlowCore

/// `ssh-brute-force`: password guessing from one internet address against SSH on `web-3`, which a
/// forgotten security-group rule exposes: dozens of short sessions, each a new TCP connection
/// (a new client port) that ends after a few failed logins.
public struct SSHBruteForceScenario: CatalogScenario {
    public static let id = "ssh-brute-force"
    public static let expectedRule = "ssh-brute-force"

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let target = recorder.host("web-3")
        let attacker = recorder.internetAddress(0x02)
        let sessions = recorder.random.int(in: 55...70)
        let start = recorder.start(position: 0.15, duration: 600)
        // A guessing tool keeps a few connections going at once: ~8 s between new sessions.
        var time = start
        var port = UInt16(recorder.random.int(in: 40_000...50_000))
        for _ in 0..<sessions {
            port &+= UInt16(recorder.random.int(in: 1...7))
            let connection = recorder.tcp(
                .external(attacker), .host(target), clientPort: port, port: 22, start: time,
                duration: Int64(recorder.random.int(in: 2...9)),
                sent: recorder.random.logNormal(median: 1_900, sigma: 0.2),
                received: recorder.random.logNormal(median: 2_600, sigma: 0.2))
            recorder.add(connection)
            time += Int64(recorder.random.int(in: 5...11))
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: attacker, dst: target.address,
            description:
                "\(sessions) short SSH sessions in \((time - start + 59) / 60) min from internet address \(attacker) to web-3 (\(target.address)): password guessing"
        )
    }
}
