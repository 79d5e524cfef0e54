import FlowCore

/// Benign look-alike: internet background noise. Research scanners and bots visit the public
/// addresses (load balancers, bastion) a few times a day, each visit one to three probes of
/// well-known ports, all refused by the security groups. Many sources, few ports each: not a
/// port scan of anything in particular.
public struct BenignInternetScannersScenario: CatalogScenario {
    public static let id = "benign-internet-scanners"
    public static let expectedRule = ""
    /// Scanners labelled in each run.
    public static let scanners = 16

    public init() {}

    static let ports: [UInt16] = [
        21, 22, 23, 25, 110, 135, 139, 445, 1433, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200, 27017,
    ]

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let targets = network.loadBalancers.filter { $0.role == .loadBalancer } + [network.bastion]
        var labels: [ScenarioLabel] = []
        for index in 0..<Self.scanners {
            let scanner = recorder.internetAddress(0x5CA0 + UInt64(index))
            let before = recorder.records.count
            var first = Int64.max
            var last = Int64.min
            for _ in 0..<recorder.random.int(in: 2...5) {
                let target = targets[recorder.random.below(targets.count)]
                var time = range.start + Int64(recorder.random.below(Int(range.end - range.start)))
                first = min(first, time)
                for _ in 0..<recorder.random.int(in: 1...3) {
                    let port = Self.ports[recorder.random.below(Self.ports.count)]
                    recorder.add(
                        recorder.probe(
                            .external(scanner), .host(target), clientPort: recorder.internetClientPort(), port: port,
                            start: time))
                    last = max(last, time)
                    time += Int64(recorder.random.below(3))
                }
            }
            guard recorder.records.count > before else { continue }
            labels.append(
                ScenarioLabel(
                    scenarioID: "\(Self.id)-\(index + 1)", expectedRule: Self.expectedRule, src: scanner, dst: nil,
                    firstSeen: first, lastSeen: min(last, range.end - 1),
                    description: "internet scanner \(scanner): a few refused probes of the public addresses"))
        }
        return ScenarioInjection(records: recorder.records, labels: labels)
    }
}
