import FlowCore
import FlowDecoding
import FlowDetection
import FlowEnrichment
import FlowLensKit
import FlowTesting
import Testing

/// Event-time windows, lateness, dedup and bounded state, on a small windowed rule.
@Suite struct EngineBehaviourTests {
    static let t0: Int64 = 1_793_577_600

    static func rule(threshold: Double = 5, window: Int64 = 600) -> RuleDefinition {
        RuleDefinition(
            id: "probe", title: "Probe", severity: .medium, match: "request and action = REJECT",
            aggregate: Aggregation(by: [.initiator, .responder], windowSeconds: window, measure: .distinct(.servicePort), threshold: threshold),
            dedupSeconds: 3600)
    }

    static func line(_ src: String, _ dst: String, _ port: Int, _ time: Int64, action: String = "REJECT") -> String {
        "2 123456789012 eni-1 \(src) \(dst) 50000 \(port) 6 1 44 \(time) \(time + 60) \(action) OK"
    }

    static func run(_ lines: [String], rules: [RuleDefinition] = [rule()], context: NetworkContext = NetworkContext(), lateness: Int64 = 900)
        throws -> (alerts: [Alert], engine: DetectionEngine)
    {
        let engine = try DetectionEngine(rules: rules, context: context, latenessSeconds: lateness)
        let decoded = try DecoderHarness.decode(lines.joined(separator: "\n"))
        var batch = FlowBatch()
        batch.records = decoded.records
        engine.process(batch)
        return (engine.finish(), engine)
    }

    @Test func firesWhenTheDistinctCountReachesTheThreshold() throws {
        let lines = (0..<5).map { Self.line("192.0.2.9", "10.0.0.5", 20 + $0, Self.t0 + Int64($0)) }
        let (alerts, _) = try Self.run(lines)
        #expect(alerts.count == 1)
        #expect(alerts[0].count == 5)
        #expect(alerts[0].src?.description == "192.0.2.9" && alerts[0].dst?.description == "10.0.0.5")
        #expect(alerts[0].firstSeen == Self.t0 && alerts[0].lastSeen == Self.t0 + 4)
        let four = try Self.run(Array(lines.prefix(4)))
        #expect(four.alerts.isEmpty)
    }

    @Test func outOfOrderRecordsWithinTheWindowStillCount() throws {
        // Newest first: every record is older than the one before, but all within ten minutes.
        let lines = (0..<5).reversed().map { Self.line("192.0.2.9", "10.0.0.5", 20 + $0, Self.t0 + Int64($0) * 100) }
        let (alerts, _) = try Self.run(lines)
        #expect(alerts.count == 1)
        #expect(alerts[0].firstSeen == Self.t0)
    }

    @Test func eventsFurtherApartThanTheWindowDoNotAddUp() throws {
        let lines = (0..<5).map { Self.line("192.0.2.9", "10.0.0.5", 20 + $0, Self.t0 + Int64($0) * 700) }
        #expect(try Self.run(lines).alerts.isEmpty)
    }

    @Test func repeatsWithinTheDedupPeriodMergeIntoOneAlert() throws {
        let first = (0..<5).map { Self.line("192.0.2.9", "10.0.0.5", 20 + $0, Self.t0 + Int64($0)) }
        let second = (0..<8).map { Self.line("192.0.2.9", "10.0.0.5", 100 + $0, Self.t0 + 1200 + Int64($0)) }
        let (alerts, _) = try Self.run(first + second)
        #expect(alerts.count == 1)
        #expect(alerts[0].lastSeen == Self.t0 + 1207)
        let later = (0..<5).map { Self.line("192.0.2.9", "10.0.0.5", 300 + $0, Self.t0 + 7200 + Int64($0)) }
        #expect(try Self.run(first + later).alerts.count == 2)
    }

    @Test func stateIsExpiredBehindTheWatermark() throws {
        // 2,000 different sources each probe once, spread over a day: no key stays open long.
        var batchLines: [String] = []
        for i in 0..<2000 {
            batchLines.append(Self.line("192.0.\(i / 250).\(i % 250 + 1)", "10.0.0.5", 22, Self.t0 + Int64(i) * 43))
        }
        let engine = try DetectionEngine(rules: [Self.rule()], context: NetworkContext(), latenessSeconds: 900)
        for chunk in stride(from: 0, to: batchLines.count, by: 100) {
            let decoded = try DecoderHarness.decode(batchLines[chunk..<min(chunk + 100, batchLines.count)].joined(separator: "\n"))
            var batch = FlowBatch()
            batch.records = decoded.records
            engine.process(batch)
        }
        // Window 600 s + lateness 900 s at one source every 43 s: about 35 keys, never 2,000.
        #expect(engine.stateSize < 120)
        #expect(engine.finish().isEmpty)
    }

    @Test func suppressionsDropMatchingAlerts() throws {
        let lines = (0..<5).map { Self.line("192.0.2.9", "10.0.0.5", 20 + $0, Self.t0 + Int64($0)) }
        let engine = try DetectionEngine(
            rules: [Self.rule()], context: NetworkContext(),
            suppressions: [Suppression(rule: "probe", src: CIDRSet([CIDR("192.0.2.0/24")!]), dst: nil)])
        let decoded = try DecoderHarness.decode(lines.joined(separator: "\n"))
        var batch = FlowBatch()
        batch.records = decoded.records
        engine.process(batch)
        #expect(engine.finish().isEmpty)
        #expect(engine.suppressedCount == 1)
    }

    @Test func alertJSONFollowsTheContract() throws {
        let lines = (0..<5).map { Self.line("192.0.2.9", "10.0.0.5", 20 + $0, Self.t0 + Int64($0)) }
        let alert = try #require(try Self.run(lines).alerts.first)
        let json = alert.jsonLine
        #expect(json.hasPrefix(#"{"rule":"probe","title":"Probe","severity":"medium","first_seen":"2026-11-02T00:00:00Z","last_seen":"2026-11-02T00:00:04Z","src":"192.0.2.9","dst":"10.0.0.5","dst_port":null,"count":5,"bytes":220,"packets":5,"interface_ids":["eni-1"]"#))
        #expect(json.contains(#""dedup_key":"probe|192.0.2.9|10.0.0.5""#))
        #expect(!json.contains("\n"))
    }
}
