import FlowCore

/// Benign look-alike: the monitoring host scrapes the node exporter (9100) of every instance
/// once a minute, all day. One source touching one port on every host looks like a sweep to a
/// naive rule, but each scrape is a completed session (handshake, request, metrics back).
public struct BenignMonitoringScenario: CatalogScenario {
    public static let id = "benign-monitoring"
    public static let expectedRule = ""

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let monitor = network.monitor
        let targets = network.roles.monitored.map { network.hosts[$0] }
        // Prometheus spreads its targets over the interval: each has its own second in the minute.
        let offsets = targets.map { _ in Int64(recorder.random.below(60)) }
        var minute = range.start / 60 * 60
        while minute < range.end {
            for (target, offset) in zip(targets, offsets) {
                let connection = recorder.tcp(
                    .host(monitor), .host(target), clientPort: recorder.linuxPort(), port: 9100, start: minute + offset,
                    duration: 0, sent: recorder.random.logNormal(median: 260, sigma: 0.1),
                    received: recorder.random.logNormal(median: 38_000, sigma: 0.2))
                recorder.add(connection)
            }
            minute += 60
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: monitor.address, dst: nil,
            description:
                "monitor (\(monitor.address)) scrapes the node exporter (9100) of all \(targets.count) instances every minute: completed sessions, not a sweep"
        )
    }
}
