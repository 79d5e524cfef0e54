import FlowCore

/// `beaconing`: an implant on `app-5` calls its command-and-control server over HTTPS on 8443
/// every five minutes (with a few seconds of jitter) for four and a half hours, through the NAT
/// gateway: a small check-in out, a small answer back.
public struct BeaconingScenario: CatalogScenario {
    public static let id = "beaconing"
    public static let expectedRule = "beaconing"
    public static let minimumHours = 5.5

    public init() {}

    public func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        var recorder = ScenarioRecorder(id: Self.id, network: network, range: range)
        let source = recorder.host("app-5")
        let server = recorder.internetAddress(0x06)
        let span: Int64 = 16_200
        let start = recorder.start(position: 0.2, duration: span, lead: 1_200)
        var time = start
        var beacons = 0
        while time < min(start + span, range.end) {
            let connection = recorder.tcp(
                .host(source), .external(server), clientPort: recorder.linuxPort(), port: 8443, start: time,
                duration: Int64(recorder.random.int(in: 0...2)),
                sent: recorder.random.logNormal(median: 1_400, sigma: 0.15),
                received: recorder.random.logNormal(median: 900, sigma: 0.3), throughNAT: true)
            recorder.add(connection)
            beacons += 1
            time += 300 + Int64(recorder.random.int(in: -15...15))
        }
        return recorder.injection(
            scenario: Self.id + "-1", rule: Self.expectedRule, src: source.address, dst: server,
            description:
                "app-5 (\(source.address)) connected to \(server):8443 every 300 ± 15 s, \(beacons) times over \(span / 3_600).\(span % 3_600 / 360) h, through the NAT gateway"
        )
    }
}
