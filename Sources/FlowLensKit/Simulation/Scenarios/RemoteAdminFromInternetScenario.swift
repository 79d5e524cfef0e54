import FlowCore

/// `remote-admin-from-internet`: an SSH session accepted on `web-6` from an internet address that
/// is neither the bastion nor an admin office. The story: a debugging security-group rule opened
/// port 22 to 0.0.0.0/0 on a web instance with a temporary public address and was never removed;
/// someone from outside logs in and works for half an hour.
public struct RemoteAdminFromInternetScenario: CatalogScenario {
    public static let id = "remote-admin-from-internet"
    public static let expectedRule = "remote-admin-from-internet"

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let target = recorder.host("web-6")
        let intruder = recorder.internetAddress(0x01)
        let duration = Int64(recorder.random.int(in: 1_200...2_100))
        let start = recorder.start(position: 0.55, duration: duration)
        // Interactive work: keystrokes out, screens of output back.
        let connection = recorder.tcp(
            .external(intruder), .host(target), clientPort: recorder.internetClientPort(), port: 22, start: start,
            duration: duration, sent: Double(duration) * recorder.random.logNormal(median: 60, sigma: 0.3),
            received: Double(duration) * recorder.random.logNormal(median: 900, sigma: 0.4))
        recorder.add(connection)
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: intruder, dst: target.address,
            description:
                "SSH session of \(duration / 60) min accepted on web-6 (\(target.address)) from internet address \(intruder), not a trusted source"
        )
    }
}
