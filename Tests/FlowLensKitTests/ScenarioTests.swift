import FlowCore
import FlowDetection
import FlowLensKit
import Foundation
import Testing

/// Generates a working day with every catalogued scenario, scans it with the built-in rules at
/// their default thresholds and the config that describes the simulated network, and scores the
/// alerts against `labels.jsonl`.
@Suite struct ScenarioTests {
    /// One line of `labels.jsonl`.
    struct Label: Sendable {
        var scenario: String
        var rule: String
        var src: IPAddress?
        var dst: IPAddress?
        var firstSeen: String
        var lastSeen: String
        var description: String
    }

    /// One scanned day, shared by the tests below (generated and scanned once).
    struct Day: Sendable {
        var network: SimulatedNetwork
        var labels: [Label]
        var alerts: [Alert]
        var records: Int
        var seconds: Double
    }

    static let day = Task { try await makeDay() }

    struct BadLabel: Error, CustomStringConvertible {
        var line: Substring
        var description: String { "bad line in labels.jsonl: \(line)" }
    }

    static func makeDay() async throws -> Day {
        let clock = ContinuousClock()
        let began = clock.now
        let directory = NSTemporaryDirectory() + "flowlens-scenarios-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = SimulationOptions(outputDirectory: directory)
        options.hours = 8
        options.records = 30_000
        options.fields = FlowField.v5All
        // Plain files: inflating in a debug build costs far more than the scan itself.
        options.gzip = false
        options.scenarios = try ScenarioCatalog.injectors(for: "all")
        let simulator = try FlowLogSimulator(options: options)
        _ = try await simulator.run()

        let text = try String(contentsOfFile: directory + "/labels.jsonl", encoding: .utf8)
        var labels: [Label] = []
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object.count == 7, let scenario = object["scenario"] as? String, let rule = object["rule"] as? String,
                let first = object["first_seen"] as? String, let last = object["last_seen"] as? String,
                let description = object["description"] as? String
            else { throw BadLabel(line: line) }
            labels.append(
                Label(
                    scenario: scenario, rule: rule, src: (object["src"] as? String).flatMap(IPAddress.init),
                    dst: (object["dst"] as? String).flatMap(IPAddress.init), firstSeen: first, lastSeen: last,
                    description: description))
        }

        let config = try FlowLensConfig.parse(
            ScenarioCatalog.configYAML(for: simulator.network), name: "scenario-test.yml")
        let rules = try RuleLoader.catalog(userDirectories: [], config: config)
        let engine = try DetectionEngine(
            rules: rules, context: config.context, suppressions: config.suppressions,
            latenessSeconds: config.latenessSeconds)
        let sink = DetectionSink(engine: engine)
        let runner = ScanRunner(options: ScanOptions(sources: [directory + "/AWSLogs"]))
        runner.sinks.append(sink)
        let scan = try runner.run()
        let elapsed = clock.now - began
        return Day(
            network: simulator.network, labels: labels, alerts: sink.alerts, records: Int(scan.statistics.records),
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    func day() async throws -> Day { try await Self.day.value }

    /// Whether an alert is about a label's hosts: its source or destination address, or the
    /// interface of one of them (for alerts keyed by interface, such as log-skipdata).
    static func involves(_ alert: Alert, _ label: Label, network: SimulatedNetwork) -> Bool {
        let addresses = [label.src, label.dst].compactMap { $0 }
        if let src = alert.src, addresses.contains(src) { return true }
        if let dst = alert.dst, addresses.contains(dst) { return true }
        let interfaces = addresses.compactMap { network.host(at: $0)?.interfaceID }
        return alert.interfaceIDs.contains { interfaces.contains($0) }
    }

    @Test func everyScenarioIsLabelled() async throws {
        let day = try await day()
        let attacks = day.labels.filter { !$0.rule.isEmpty }
        #expect(attacks.map(\.rule) == ScenarioCatalog.attackIDs)
        #expect(attacks.map(\.scenario) == ScenarioCatalog.attackIDs.map { $0 + "-1" })
        for label in day.labels {
            #expect(label.src != nil || label.dst != nil, "\(label.scenario) names no host")
            #expect(label.firstSeen <= label.lastSeen, "\(label.scenario) ends before it starts")
            #expect(label.firstSeen >= "2026-11-02T00:00:00Z" && label.lastSeen < "2026-11-02T08:00:00Z")
            #expect(!label.description.isEmpty)
        }
        let benign = Set(
            day.labels.filter { $0.rule.isEmpty }.map { $0.scenario.split(separator: "-").dropLast().joined(separator: "-") })
        #expect(benign == Set(ScenarioCatalog.benignIDs))
        #expect(Set(day.labels.map(\.scenario)).count == day.labels.count, "scenario ids repeat")
        // Attacks start at different times, not all at once.
        #expect(Set(attacks.map { $0.firstSeen.prefix(15) }).count >= 12)
    }

    @Test func everyAttackRaisesItsRule() async throws {
        let day = try await day()
        for label in day.labels where !label.rule.isEmpty {
            let found = day.alerts.contains { $0.rule == label.rule && Self.involves($0, label, network: day.network) }
            let rules = Set(day.alerts.filter { Self.involves($0, label, network: day.network) }.map(\.rule)).sorted()
            let message: Comment = "\(label.scenario): no \(label.rule) alert about \(label.src.map { "\($0)" } ?? "-") → \(label.dst.map { "\($0)" } ?? "-"); alerts about its hosts: \(rules)"
            #expect(found, message)
        }
    }

    @Test func benignLookAlikesRaiseNothingSevere() async throws {
        let day = try await day()
        let benignHosts = Set(day.labels.filter { $0.rule.isEmpty }.compactMap(\.src))
        #expect(benignHosts.count >= 5 + BenignInternetScannersScenario.scanners / 2)
        for alert in day.alerts where alert.severity >= .high {
            guard let src = alert.src, benignHosts.contains(src) else { continue }
            let message: Comment = "\(alert.severity) \(alert.rule) alert from benign host \(src) → \(alert.dst.map { "\($0)" } ?? "-") at \(alert.firstSeen), count \(alert.count)"
            Issue.record(message)
        }
    }

    @Test func theDayStaysSmall() async throws {
        let day = try await day()
        // Scenarios add about 100,000 records to the 30,000 of the baseline; the scan of a debug
        // build handles that in seconds (generation and scan take about 10 s on two cores).
        #expect(day.records > 100_000 && day.records < 300_000, "\(day.records) records in \(day.seconds) s")
    }

    @Test func catalogParsesLists() throws {
        #expect(try ScenarioCatalog.injectors(for: "all").count == 23)
        #expect(try ScenarioCatalog.injectors(for: "benign").count == ScenarioCatalog.benignIDs.count)
        #expect(try ScenarioCatalog.injectors(for: "").isEmpty)
        let some = try ScenarioCatalog.types(for: " beaconing, port-scan ,benign-monitoring,port-scan")
        #expect(some.map { $0.id } == ["port-scan", "beaconing", "benign-monitoring"])
        #expect(throws: FlowLensError.self) { try ScenarioCatalog.injectors(for: "port-scan,portscan") }
        #expect(try ScenarioCatalog.minimumHours(for: "all") <= 8)
        #expect(ScenarioCatalog.intelYAML.contains("\(ThreatIntelMatchScenario.indicator)/32"))
    }

    @Test func aScenarioLandsAtTheSameTimeAloneOrWithOthers() {
        let network = SimulatedNetwork(seed: 3)
        let range = SimulationTimeRange(
            start: SimulationOptions.defaultStart, end: SimulationOptions.defaultStart + 24 * 3_600, aggregation: 60)
        var random = SimulationRandom(seed: 3, stream: 1)
        var other = SimulationRandom(seed: 3, stream: 99)
        let alone = PortScanScenario().inject(network: network, range: range, random: &random)
        let again = PortScanScenario().inject(network: network, range: range, random: &other)
        #expect(alone.labels == again.labels)
        #expect(alone.records.count == again.records.count && alone.records.count >= 60)
        #expect(alone.records.allSatisfy { $0.start >= range.start && $0.end < range.end })
        let moved = PortScanScenario().inject(network: SimulatedNetwork(seed: 4), range: range, random: &random)
        #expect(moved.labels[0].firstSeen != alone.labels[0].firstSeen)
    }
}
