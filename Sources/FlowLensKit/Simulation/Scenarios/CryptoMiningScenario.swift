import FlowCore

/// `crypto-mining`: a miner dropped on `batch-1` holds one stratum connection (TCP 3333) to an
/// internet mining pool for three hours, through the NAT gateway: a trickle of jobs in and
/// shares out, all the time.
public struct CryptoMiningScenario: CatalogScenario {
    public static let id = "crypto-mining"
    public static let expectedRule = "crypto-mining"
    public static let minimumHours = 4.0

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("batch-1")
        let pool = recorder.internetAddress(0x05)
        let duration = Int64(recorder.random.int(in: 10_200...11_400))
        let start = recorder.start(position: 0.4, duration: duration, lead: 1_200)
        let perSecond = recorder.random.logNormal(median: 25, sigma: 0.2)
        // Stratum is small JSON lines: a share or a keep-alive every few seconds each way.
        let connection = SimulatedConnection(
            client: .host(source), server: .external(pool), clientPort: recorder.linuxPort(), serverPort: 3333,
            start: start, duration: duration, requestBytes: UInt64(Double(duration) * perSecond),
            requestPackets: UInt64(duration / 4), responseBytes: UInt64(Double(duration) * perSecond * 1.6),
            responsePackets: UInt64(duration / 5), throughNAT: true)
        recorder.add(connection)
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: pool,
            description:
                "batch-1 (\(source.address)) held a stratum connection (3333/tcp) to mining pool \(pool) for \(duration / 60) min through the NAT gateway"
        )
    }
}
