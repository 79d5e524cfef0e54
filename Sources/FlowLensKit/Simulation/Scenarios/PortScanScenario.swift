import FlowCore

/// `port-scan`: one internet host SYN-scanning the bastion's public address for the most common
/// services, as `nmap` does by default: one source port, about a hundred service ports in two
/// minutes, every probe refused by the security group (which admits SSH from the offices only).
public struct PortScanScenario: CatalogScenario {
    public static let id = "port-scan"
    public static let expectedRule = "port-scan"

    public init() {}

    /// Ports from nmap's most-scanned list that are recognisably service ports.
    static let ports: [UInt16] = [
        21, 22, 23, 25, 53, 79, 80, 81, 88, 106, 110, 111, 113, 119, 135, 139, 143, 144, 179, 199, 389, 427, 443,
        444, 445, 465, 513, 514, 515, 543, 544, 548, 554, 587, 631, 646, 873, 990, 993, 995, 1433, 1521, 2049,
        2375, 3000, 3306, 3389, 5000, 5432, 5900, 5901, 5985, 6379, 7001, 8000, 8080, 8081, 8443, 8888, 9000,
        9090, 9100, 9200, 10250, 11211, 27017, 1, 7, 9, 13, 17, 19, 26, 37, 49, 82, 83, 84, 85, 89, 90, 99, 100,
        109, 161, 163, 211, 222, 254, 255, 280, 301, 311, 366, 407, 416, 458, 464, 497, 500, 512, 524, 541, 555,
        563, 593, 616, 625, 636, 666, 683, 691, 705, 711, 749, 765, 777, 783, 800, 808, 843, 880, 888, 900, 902,
        981, 987, 992, 999,
    ].filter(PortClass.isService)

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let target = network.bastion
        let scanner = recorder.internetAddress(0x03)
        var ports = Self.ports
        // nmap probes in a random order.
        for i in stride(from: ports.count - 1, to: 0, by: -1) { ports.swapAt(i, recorder.random.below(i + 1)) }
        let count = min(ports.count, recorder.random.int(in: 90...110))
        let start = recorder.start(position: 0.35, duration: 300)
        let sourcePort = recorder.internetClientPort()
        var time = start
        for port in ports.prefix(count) {
            // A probe without an answer is retransmitted once.
            recorder.add(
                recorder.probe(
                    .external(scanner), .host(target), clientPort: sourcePort, port: port, start: time,
                    packets: recorder.random.chance(0.3) ? 2 : 1))
            if recorder.random.chance(0.5) { time += 1 }
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: scanner, dst: target.address,
            description:
                "SYN scan of \(count) service ports of the bastion (\(target.address)) from internet address \(scanner) in \(time - start + 1) s, all refused"
        )
    }
}
