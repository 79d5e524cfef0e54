import FlowCore

/// `exposed-service`: Redis on `cache-1` is reachable from the internet (a public address and a
/// security group open on 6379), and within the hour several internet hosts connect to it: the
/// bots that look for open Redis servers and try to plant keys or cron jobs.
public struct ExposedServiceScenario: CatalogScenario {
    public static let id = "exposed-service"
    public static let expectedRule = "exposed-service"

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let target = recorder.host("cache-1")
        let start = recorder.start(position: 0.65, duration: 3_600)
        let clients = recorder.random.int(in: 4...6)
        var first: (time: Int64, address: IPAddress)?
        for index in 0..<clients {
            let client = recorder.internetAddress(0x0A00 + UInt64(index))
            var time = start + Int64(recorder.random.below(3_300))
            if time < first?.time ?? .max { first = (time, client) }
            for _ in 0..<recorder.random.int(in: 1...3) {
                let connection = recorder.tcp(
                    .external(client), .host(target), clientPort: recorder.internetClientPort(), port: 6379,
                    start: time, duration: Int64(recorder.random.int(in: 0...3)),
                    sent: recorder.random.logNormal(median: 400, sigma: 0.5),
                    received: recorder.random.logNormal(median: 3_000, sigma: 0.6))
                recorder.add(connection)
                time += Int64(recorder.random.int(in: 5...60))
            }
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: first?.address, dst: target.address,
            description:
                "Redis (6379) on cache-1 (\(target.address)) accepted connections from \(clients) internet hosts within an hour, \(first!.address) first"
        )
    }
}
