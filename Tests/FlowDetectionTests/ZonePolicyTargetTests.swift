import FlowCore
import FlowDecoding
import FlowDetection
import FlowEnrichment
import FlowLensKit
import FlowTesting
import Testing

/// The engine hands the zone-policy detector only records whose responder is in a protected
/// zone, and that changes none of its alerts.
@Suite struct ZonePolicyTargetTests {
    static let t0: Int64 = 1_793_577_600

    static func line(_ src: String, _ dst: String, _ port: Int) -> String {
        "2 123456789012 eni-1 \(src) \(dst) 50000 \(port) 6 10 4000 \(t0) \(t0 + 60) ACCEPT OK"
    }

    static func zones(protecting protected: [String]) -> NetworkContext {
        NetworkContext(
            zones: [
                .init(name: "web", networks: CIDRSet([CIDR("10.20.1.0/24")!])),
                .init(name: "db", networks: CIDRSet([CIDR("10.20.5.0/24")!])),
                .init(name: "ops", networks: CIDRSet([CIDR("10.20.6.0/24")!])),
            ],
            policy: ZonePolicy(protect: protected, allow: [.init(from: "web", to: "db", ports: [5432...5432])]))
    }

    static func run(_ lines: [String], context: NetworkContext) throws -> (alerts: [Alert], matched: Int) {
        let rule = try #require(try RuleLoader.builtin().first { $0.id == "zone-policy-violation" })
        let engine = try DetectionEngine(rules: [rule], context: context)
        var batch = FlowBatch()
        batch.records = try DecoderHarness.decode(lines.joined(separator: "\n")).records
        engine.process(batch)
        return (engine.finish(), engine.matches[0])
    }

    static let lines = [
        line("10.20.1.10", "10.20.5.20", 5432),  // web -> db on the allowed port
        line("10.20.1.10", "10.20.5.20", 22),  // web -> db outside the policy
        line("10.20.5.20", "10.20.6.30", 22),  // db -> ops, an unprotected zone
        line("10.20.1.10", "192.0.2.7", 443),  // out to the internet
    ]

    @Test func onlyRecordsIntoAProtectedZoneReachTheDetector() throws {
        let (alerts, matched) = try Self.run(Self.lines, context: Self.zones(protecting: ["db"]))
        #expect(matched == 2)
        #expect(alerts.count == 1)
        #expect(alerts.first?.dst?.description == "10.20.5.20" && alerts.first?.dstPort == 22)
    }

    @Test func withoutAProtectedZoneNoRecordReachesTheDetector() throws {
        let (alerts, matched) = try Self.run(Self.lines, context: Self.zones(protecting: []))
        #expect(matched == 0 && alerts.isEmpty)
        let (_, unzoned) = try Self.run(Self.lines, context: NetworkContext())
        #expect(unzoned == 0)
    }

    @Test func everyProtectedZoneIsATarget() throws {
        let (alerts, matched) = try Self.run(Self.lines, context: Self.zones(protecting: ["db", "ops"]))
        #expect(matched == 3)
        #expect(alerts.count == 2)
    }
}
