import FlowCore

/// `lateral-movement`: an attacker on `app-4` uses stolen keys to log in over SSH to four other
/// instances and copies a tool to a fifth over SMB, all within twenty minutes. The sessions are
/// accepted (the security groups admit SSH and SMB from the whole VPC) and carry real work.
public struct LateralMovementScenario: CatalogScenario {
    public static let id = "lateral-movement"
    public static let expectedRule = "lateral-movement"

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("app-4")
        let targets: [(String, UInt16)] = [
            ("app-2", 22), ("web-1", 22), ("cache-2", 22), ("batch-1", 22), ("batch-3", 445),
        ]
        let start = recorder.start(position: 0.6, duration: 1_800)
        var time = start
        for (name, port) in targets {
            let duration = Int64(recorder.random.int(in: 60...360))
            // Commands and a copied tool out, listings and files back.
            let connection = recorder.tcp(
                .host(source), .host(recorder.host(name)), clientPort: recorder.linuxPort(), port: port, start: time,
                duration: duration, sent: recorder.random.logNormal(median: 400_000, sigma: 0.8),
                received: recorder.random.logNormal(median: 150_000, sigma: 0.8))
            recorder.add(connection)
            time += Int64(recorder.random.int(in: 120...300))
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: nil,
            description:
                "app-4 (\(source.address)) opened accepted SSH sessions to app-2, web-1, cache-2 and batch-1 and an SMB session to batch-3 within \((time - start) / 60) min"
        )
    }
}
