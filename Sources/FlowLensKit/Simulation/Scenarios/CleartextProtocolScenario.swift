import FlowCore

/// `cleartext-protocol`: a batch job on `batch-3` delivers a report to a partner's FTP server:
/// the control connection on 21 (user name and password in the clear) and passive-mode data
/// connections to the server's 30000–30100 range, through the NAT gateway.
public struct CleartextProtocolScenario: CatalogScenario {
    public static let id = "cleartext-protocol"
    public static let expectedRule = "cleartext-protocol"

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("batch-3")
        let server = recorder.internetAddress(0x09)
        let start = recorder.start(position: 0.1, duration: 600, lead: 900)
        let files = recorder.random.int(in: 2...4)
        let duration = Int64(20 + files * 30)
        let control = recorder.tcp(
            .host(source), .external(server), clientPort: recorder.linuxPort(), port: 21, start: start,
            duration: duration, sent: Double(300 + files * 120), received: Double(600 + files * 200), throughNAT: true)
        recorder.add(control)
        var time = start + 3
        for _ in 0..<files {
            let length = Int64(recorder.random.int(in: 8...25))
            let data = recorder.tcp(
                .host(source), .external(server), clientPort: recorder.linuxPort(),
                port: UInt16(recorder.random.int(in: 30_000...30_100)), start: time, duration: length,
                sent: recorder.random.logNormal(median: 20_000_000, sigma: 0.5), received: 3_000, throughNAT: true)
            recorder.add(data)
            time += length + 4
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: server,
            description:
                "batch-3 (\(source.address)) logged in to FTP (21/tcp) at \(server) and uploaded \(files) files in passive mode, credentials and data in the clear"
        )
    }
}
