import FlowCore

/// `data-exfiltration`: `app-1`, which normally sends only small API calls out through the NAT
/// gateway, uploads about 18 GB to one internet address within one hour, hours into the day:
/// four parallel HTTPS streams of a database dump to an attacker's storage.
public struct DataExfiltrationScenario: CatalogScenario {
    public static let id = "data-exfiltration"
    public static let expectedRule = "data-exfiltration"
    /// Four hours of ordinary traffic, the upload hour and a margin.
    public static let minimumHours = 6.0

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("app-1")
        let destination = recorder.internetAddress(0x04)
        // Keep the upload inside one clock hour, at least four hours after the range starts.
        let lead: Int64 = 4 * 3_600
        let hint = recorder.start(position: 0.75, duration: 3_600, lead: lead)
        var hour = hint / 3_600 * 3_600
        if hour < range.start + lead { hour += 3_600 }
        let begin = hour + Int64(recorder.random.int(in: 180...420))
        var total = 0.0
        for _ in 0..<4 {
            let duration = Int64(recorder.random.int(in: 2_100...2_700))
            let bytes = recorder.random.logNormal(median: 4.5e9, sigma: 0.08)
            total += bytes
            let connection = recorder.tcp(
                .host(source), .external(destination), clientPort: recorder.linuxPort(), port: 443,
                start: begin + Int64(recorder.random.below(20)), duration: duration, sent: bytes,
                received: bytes / 60, throughNAT: true)
            recorder.add(connection)
        }
        let gigabytes = (total / 1e8).rounded() / 10
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: destination,
            description:
                "app-1 (\(source.address)) uploaded \(gigabytes) GB over HTTPS through the NAT gateway to \(destination) within one hour, after hours of small API calls"
        )
    }
}
