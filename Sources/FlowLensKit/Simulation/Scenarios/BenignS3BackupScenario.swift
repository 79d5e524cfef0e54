import FlowCore

/// Benign look-alike: the database replica (`db-2`) ships a backup of about 3 GB to S3 every
/// hour, all day, over the S3 gateway endpoint: four parallel multipart streams, each to the S3
/// address DNS gave it. Gigabytes leaving every hour look like exfiltration to a rule without a
/// per-host baseline.
public struct BenignS3BackupScenario: CatalogScenario {
    public static let id = "benign-s3-backup"
    public static let expectedRule = ""

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("db-2")
        let minute = Int64(recorder.random.int(in: 5...20))
        var hour = range.start / 3_600 * 3_600
        var backups = 0
        while hour < range.end {
            let start = hour + minute * 60 + Int64(recorder.random.below(30))
            if start >= range.start && start < range.end {
                for _ in 0..<4 {
                    let bytes = recorder.random.logNormal(median: 750_000_000, sigma: 0.1)
                    let requestPackets = 2 + UInt64(bytes / 1_100)
                    let connection = SimulatedConnection(
                        client: .host(source), server: .external(recorder.s3Address()),
                        clientPort: recorder.linuxPort(), serverPort: 443,
                        start: start + Int64(recorder.random.below(5)),
                        duration: Int64(recorder.random.int(in: 300...480)),
                        requestBytes: UInt64(bytes) + requestPackets * 52, requestPackets: requestPackets,
                        responseBytes: UInt64(bytes / 200), responsePackets: requestPackets / 2, service: .s3,
                        throughGatewayEndpoint: true)
                    recorder.add(connection)
                }
                backups += 1
            }
            hour += 3_600
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: nil,
            description:
                "db-2 (\(source.address)) uploads a ~3 GB backup to S3 through the gateway endpoint every hour at :\(minute < 10 ? "0" : "")\(minute) (\(backups) backups)"
        )
    }
}
