import FlowCore

/// `log-skipdata`: the flow log of `cache-2`'s interface loses records for half an hour (three
/// 10-minute or thirty 1-minute aggregation windows in a row report SKIPDATA), as AWS does when
/// it hits an internal capacity limit.
public struct LogSkipDataScenario: CatalogScenario {
    public static let id = "log-skipdata"
    public static let expectedRule = "log-skipdata"

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let host = recorder.host("cache-2")
        let step = Int64(range.aggregation)
        let span: Int64 = 1_800
        var window = recorder.start(position: 0.9, duration: span) / step * step
        if window < range.start { window += step }
        let end = window + span
        while window < end {
            recorder.add(network.statusRecord(skipData: true, host: host, start: window, end: window + step - 1))
            window += step
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: host.address, dst: nil,
            description:
                "the interface of cache-2 (\(host.interfaceID), \(host.address)) reported SKIPDATA for \(span / 60) min: its flow records were lost"
        )
    }
}
