import FlowCore

/// A scenario of the built-in catalog: an injector with a stable id, the time it needs, and
/// the rule it should trigger (empty for benign look-alikes).
public protocol CatalogScenario: ScenarioInjector {
    /// The catalog id: the id of the rule it should trigger for attacks (`port-scan`), a
    /// `benign-` name for look-alikes.
    static var id: String { get }
    /// The rule that should raise an alert; empty when none should.
    static var expectedRule: String { get }
    /// Shortest simulated range, in hours, in which the scenario fits with the history it needs
    /// (the baseline hours before an exfiltration, the learning period before an unusual port).
    static var minimumHours: Double { get }
    init()
}

extension CatalogScenario {
    public static var minimumHours: Double { 1 }
}

/// Collects a scenario's records, keeps them inside the simulated range, and tracks the first
/// and last time for its label.
struct ScenarioRecorder {
    let network: SimulatedNetwork
    let range: SimulationTimeRange
    /// The scenario's own random stream: seeded from the run's seed and the scenario id, so a
    /// scenario lands at the same time whichever other scenarios run with it.
    var random: SimulationRandom
    private(set) var records: [FlowRecord] = []
    private(set) var first = Int64.max
    private(set) var last = Int64.min

    init(id: String, network: SimulatedNetwork, range: SimulationTimeRange) {
        self.network = network
        self.range = range
        random = SimulationRandom(seed: network.seed, stream: Self.stableHash(id))
    }

    /// FNV-1a of the id: stable across runs and platforms, unlike `hashValue`.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01B3
        }
        return hash
    }

    /// Adds every record of a connection (each interface on its path, both directions) that
    /// starts inside the range; `keep` can drop some, such as the replies a flood never gets.
    mutating func add(_ connection: SimulatedConnection, keep: ((FlowRecord) -> Bool)? = nil) {
        for record in network.records(for: connection, aggregation: range.aggregation) {
            if let keep, !keep(record) { continue }
            add(record)
        }
    }

    /// Adds one record if it starts inside the range, its end cut to the range.
    mutating func add(_ record: FlowRecord) {
        guard record.start >= range.start && record.start < range.end else { return }
        var record = record
        if record.end >= range.end { record.end = range.end - 1 }
        first = min(first, record.start)
        last = max(last, record.end)
        records.append(record)
    }

    /// The injection with one label covering every record added.
    func injection(
        scenario: String, rule: String, src: IPAddress?, dst: IPAddress?, description: String
    ) -> ScenarioInjection {
        ScenarioInjection(
            records: records,
            labels: [label(scenario: scenario, rule: rule, src: src, dst: dst, description: description)])
    }

    /// A label spanning the records added so far (the range start when there are none).
    func label(scenario: String, rule: String, src: IPAddress?, dst: IPAddress?, description: String)
        -> ScenarioLabel
    {
        ScenarioLabel(
            scenarioID: scenario, expectedRule: rule, src: src, dst: dst,
            firstSeen: records.isEmpty ? range.start : first, lastSeen: records.isEmpty ? range.start : last,
            description: description)
    }

    // MARK: Time

    /// A start time for something lasting `duration` seconds that needs `lead` seconds of the
    /// range before it: at `position` (0 to 1) of the span where it fits, moved by up to 4 % of
    /// that span either way, so scenarios spread over the range instead of piling up.
    mutating func start(position: Double, duration: Int64, lead: Int64 = 1_800) -> Int64 {
        let earliest = range.start + lead
        let latest = range.end - duration - 600
        guard latest > earliest else { return max(range.start, min(earliest, range.end - duration - 1)) }
        let jitter = (random.unit() - 0.5) * 0.08
        let share = min(1, max(0, position + jitter))
        return earliest + Int64((Double(latest - earliest) * share).rounded())
    }

    // MARK: Addresses and ports

    /// An internet address for this run, chosen by the seed and a salt: outside private,
    /// documentation and other reserved space, as the simulator's own internet hosts are.
    func internetAddress(_ salt: UInt64) -> IPAddress {
        IPAddress(ipv4: SimulatedNetwork.publicAddress(SimulationRandom.mix(network.seed ^ 0x5CE7_A210 ^ salt)))
    }

    /// An address in S3's plausible space (52.216.0.0/15), as S3's DNS hands out a different
    /// one for almost every connection.
    mutating func s3Address() -> IPAddress {
        while true {
            let low = UInt32(truncatingIfNeeded: random.next()) & 0x1_FFFF
            if low & 0xFF != 0 && low & 0xFF != 255 { return IPAddress(ipv4: 0x34D8_0000 | low) }
        }
    }

    /// A Linux client port (32768–60999), which every simulated instance uses.
    mutating func linuxPort() -> UInt16 { UInt16(random.int(in: 32_768...60_999)) }

    /// A client port of an internet host: Windows/macOS (49152–65535) or Linux.
    mutating func internetClientPort() -> UInt16 {
        random.chance(0.6) ? UInt16(random.int(in: 49_152...65_535)) : linuxPort()
    }

    func host(_ name: String) -> SimulatedHost { network.host(named: name)! }

    // MARK: Connections

    /// A TCP connection sized as the simulator sizes its own: segments of about 1,100 bytes
    /// out and 1,400 back plus handshake, 52-byte headers.
    func tcp(
        _ client: SimulatedConnection.Peer, _ server: SimulatedConnection.Peer, clientPort: UInt16, port: UInt16,
        start: Int64, duration: Int64, sent: Double, received: Double, throughNAT: Bool = false
    ) -> SimulatedConnection {
        let requestPackets = 2 + UInt64(sent / 1_100)
        let responsePackets = 2 + UInt64(received / 1_400)
        return SimulatedConnection(
            client: client, server: server, clientPort: clientPort, serverPort: port, proto: 6, start: start,
            duration: duration, requestBytes: UInt64(sent) + requestPackets * 52, requestPackets: requestPackets,
            responseBytes: UInt64(received) + responsePackets * 52, responsePackets: responsePackets,
            throughNAT: throughNAT)
    }

    /// A refused or unanswered connection attempt: one SYN (sometimes retransmitted), logged by
    /// the client's interface as sent and by the server's, if any, as rejected.
    func probe(
        _ client: SimulatedConnection.Peer, _ server: SimulatedConnection.Peer, clientPort: UInt16, port: UInt16,
        start: Int64, packets: UInt64 = 1
    ) -> SimulatedConnection {
        SimulatedConnection(
            client: client, server: server, clientPort: clientPort, serverPort: port, proto: 6, start: start,
            duration: 0, requestBytes: 44 * packets, requestPackets: packets, responseBytes: 0, responsePackets: 1,
            rejected: true)
    }
}
