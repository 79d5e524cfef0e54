public import FlowCore
public import FlowDetection
import Foundation

/// `flowlens demo`: generate a simulated day with every attack scenario and the benign
/// look-alikes, scan it with the network's own config, and score the alerts against the labels.
public enum DemoRunner {
    public struct Options: Sendable {
        public var seed: UInt64 = 1
        /// About how many records to simulate.
        public var records = 200_000
        public var hours: Double = 24
        /// Keep the generated files here instead of a temporary folder that is removed.
        public var keepDirectory: String?
        public init() {}
    }

    /// One label and whether the alerts found it.
    public struct Score: Sendable {
        public var label: ScenarioLabel
        /// For attacks: an alert of the expected rule that involves the label's addresses.
        public var matchingAlert: Alert?
        /// For benign look-alikes: alerts whose source is the benign host.
        public var benignAlerts: [Alert]
        public var isAttack: Bool { !label.expectedRule.isEmpty }
        public var found: Bool { matchingAlert != nil }
    }

    public struct Result: Sendable {
        public var directory: String
        public var simulation: SimulationSummary
        public var scan: ScanResult
        public var alerts: [Alert]
        public var scores: [Score]
        public var config: String
        /// The report of the scan (statistics gathered in the same pass, and the alerts).
        public var report: ReportDocument

        public var attacksFound: Int { scores.filter { $0.isAttack && $0.found }.count }
        public var attacks: Int { scores.filter(\.isAttack).count }
        /// High or critical alerts on benign look-alike hosts: each one is a false alarm that matters.
        public var seriousBenignAlerts: [Alert] {
            scores.filter { !$0.isAttack }.flatMap(\.benignAlerts).filter { $0.severity >= .high }
        }
    }

    public static func run(_ options: Options) async throws -> Result {
        let directory: String
        if let keep = options.keepDirectory {
            directory = keep
        } else {
            directory = NSTemporaryDirectory() + "flowlens-demo-\(getpid())-\(UInt64(Date().timeIntervalSince1970))"
        }
        var simulation = SimulationOptions(outputDirectory: directory + "/logs")
        simulation.seed = options.seed
        simulation.records = options.records
        simulation.hours = max(options.hours, try ScenarioCatalog.minimumHours(for: "all"))
        simulation.fields = try SimulationOptions.fields(forVersion: 5)
        simulation.scenarios = try ScenarioCatalog.injectors(for: "all")
        let simulator = try FlowLogSimulator(options: simulation)
        let summary = try await simulator.run()

        let configText = ScenarioCatalog.configYAML(for: simulator.network)
        let configPath = directory + "/flowlens.yml"
        try configText.write(toFile: configPath, atomically: true, encoding: .utf8)
        let setup = try DetectionSetup(configPath: configPath, ruleDirectories: [])
        let runner = ScanRunner(options: ScanOptions(sources: [directory + "/logs/AWSLogs"]))
        let sink = DetectionSink(engine: try setup.makeEngine())
        runner.sinks.append(sink)
        let statistics = ReportStatistics(context: setup.config.context)
        runner.sinks.append(statistics)
        let scan = try runner.run()
        let labels = try readLabels(directory + "/logs/labels.jsonl")
        let scores = score(labels: labels, alerts: sink.alerts)
        if options.keepDirectory == nil { try? FileManager.default.removeItem(atPath: directory) }
        let report = ReportDocument(
            result: scan, statistics: statistics, alerts: sink.alerts, context: setup.config.context,
            title: "FlowLens demo report", generatedAt: Int64(Date().timeIntervalSince1970))
        return Result(
            directory: directory, simulation: summary, scan: scan, alerts: sink.alerts, scores: scores, config: configText,
            report: report)
    }

    /// Matches alerts to labels: an attack is found by an alert of its rule that involves one of
    /// its addresses; a benign look-alike collects the alerts whose source is its host.
    public static func score(labels: [ScenarioLabel], alerts: [Alert]) -> [Score] {
        labels.map { label in
            if label.expectedRule.isEmpty {
                let hosts = [label.src].compactMap { $0 }
                let hits = alerts.filter { alert in alert.src.map { hosts.contains($0) } ?? false }
                return Score(label: label, matchingAlert: nil, benignAlerts: hits)
            }
            let addresses = Set([label.src, label.dst].compactMap { $0 })
            let match = alerts.first { alert in
                guard alert.rule == label.expectedRule else { return false }
                // Alerts about an interface (log-skipdata) carry no addresses.
                if addresses.isEmpty || (alert.src == nil && alert.dst == nil) { return true }
                return [alert.src, alert.dst].contains { $0.map { addresses.contains($0) } ?? false }
            }
            return Score(label: label, matchingAlert: match, benignAlerts: [])
        }
    }

    static func readLabels(_ path: String) throws -> [ScenarioLabel] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var labels: [ScenarioLabel] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.isEmpty {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            func address(_ key: String) -> IPAddress? { (object[key] as? String).flatMap { IPAddress($0) } }
            func time(_ key: String) -> Int64 { (object[key] as? String).flatMap(Timestamp.parse) ?? 0 }
            labels.append(
                ScenarioLabel(
                    scenarioID: object["scenario"] as? String ?? "", expectedRule: object["rule"] as? String ?? "",
                    src: address("src"), dst: address("dst"), firstSeen: time("first_seen"), lastSeen: time("last_seen"),
                    description: object["description"] as? String ?? ""))
        }
        return labels
    }
}

extension DemoRunner.Result {
    /// The score section of the demo's output.
    public var scoreText: String {
        var lines = ["Score against the injected labels:"]
        for score in scores where score.isAttack {
            let mark = score.found ? "found " : "MISSED"
            let detail = score.matchingAlert.map { "\($0.severity) alert, \($0.src?.description ?? "-") -> \($0.dst?.description ?? "-")" } ?? score.label.description
            lines.append("  [\(mark)] \(score.label.expectedRule.padding(toLength: 28, withPad: " ", startingAt: 0)) \(detail)")
        }
        for score in scores where !score.isAttack {
            let counts = Dictionary(grouping: score.benignAlerts, by: \.severity).mapValues(\.count)
            let text = counts.isEmpty ? "no alerts" : counts.sorted { $0.key > $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            lines.append("  [benign] \(score.label.scenarioID.padding(toLength: 28, withPad: " ", startingAt: 0)) \(text)")
        }
        lines.append("")
        lines.append("\(attacksFound)/\(attacks) attack scenarios found; \(seriousBenignAlerts.count) high or critical alerts on benign look-alikes.")
        return lines.joined(separator: "\n")
    }
}
