import FlowCore

/// Benign look-alike: configuration runs from the bastion (Ansible over SSH) that log in to every
/// instance within a quarter of an hour, twice in the range. One host opening SSH sessions to
/// many others is what lateral movement looks like, but the bastion is trusted.
public struct BenignBastionAdminScenario: CatalogScenario {
    public static let id = "benign-bastion-admin"
    public static let expectedRule = ""

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let bastion = network.bastion
        let targets = network.roles.sshTargets.map { network.hosts[$0] }
        for position in [0.3, 0.8] {
            let start = recorder.start(position: position, duration: 900, lead: 600)
            for target in targets {
                // A few tasks per host, each its own SSH connection (no connection reuse).
                var time = start + Int64(recorder.random.below(600))
                for _ in 0..<recorder.random.int(in: 2...4) {
                    let duration = Int64(recorder.random.int(in: 2...40))
                    let connection = recorder.tcp(
                        .host(bastion), .host(target), clientPort: recorder.linuxPort(), port: 22, start: time,
                        duration: duration, sent: recorder.random.logNormal(median: 60_000, sigma: 0.7),
                        received: recorder.random.logNormal(median: 20_000, sigma: 0.7))
                    recorder.add(connection)
                    time += duration + Int64(recorder.random.int(in: 1...20))
                }
            }
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: bastion.address, dst: nil,
            description:
                "bastion (\(bastion.address)) runs configuration over SSH on all \(targets.count) instances twice: admin sessions from a trusted host"
        )
    }
}
