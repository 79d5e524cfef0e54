public import FlowCore
import FlowDecoding
public import FlowDetection

/// Runs the tests that rules carry: each test's records through an engine holding that rule
/// alone, compared with the expected number (and severity) of alerts.
public enum RuleTestRunner {
    public struct Outcome: Sendable {
        public var rule: String
        public var test: String
        public var passed: Bool
        /// What went wrong, or what was raised.
        public var detail: String
    }

    /// The base config rule tests run under: documentation ranges as "internet", RFC 1918 inside.
    static let baseConfig = FlowLensConfig()

    public static func run(_ rules: [RuleDefinition]) -> [Outcome] {
        var outcomes: [Outcome] = []
        for rule in rules {
            if rule.tests.isEmpty {
                outcomes.append(Outcome(rule: rule.id, test: "(has tests)", passed: false, detail: "the rule carries no tests"))
            }
            for test in rule.tests { outcomes.append(run(test, of: rule)) }
        }
        return outcomes
    }

    public static func run(_ test: RuleTest, of rule: RuleDefinition) -> Outcome {
        func outcome(_ passed: Bool, _ detail: String) -> Outcome {
            Outcome(rule: rule.id, test: test.name, passed: passed, detail: detail)
        }
        do throws(FlowLensError) {
            var config = baseConfig
            if let text = test.config { config = try FlowLensConfig.parse(text, name: "\(rule.id) test '\(test.name)' config") }
            // The test's config may tune the rule (a lower threshold keeps record lists short).
            var enabled = rule.applying(config.overrides[rule.id])
            enabled.enabled = true
            let engine = try DetectionEngine(
                rules: [enabled], context: config.context, suppressions: config.suppressions,
                latenessSeconds: config.latenessSeconds)
            var decoder = FlowTextDecoder(fileName: "\(rule.id) test '\(test.name)'", strict: true)
            var batches = [FlowBatch()]
            let text = Array(test.records.utf8)
            var failure: FlowLensError?
            text.withUnsafeBytes { raw in
                do throws(FlowLensError) { try decoder.decode(raw, isFinal: true, into: &batches) } catch { failure = error }
            }
            if let failure { throw failure }
            let records = batches.reduce(0) { $0 + $1.records.count }
            if records == 0 { return outcome(false, "the test has no records") }
            for batch in batches { engine.process(batch) }
            let alerts = engine.finish()
            let raised = alerts.map { "\($0.severity) \($0.src?.description ?? "-") -> \($0.dst?.description ?? "-") count \($0.count)" }
            if alerts.count != test.expectAlerts {
                return outcome(
                    false,
                    "expected \(test.expectAlerts) alert(s), got \(alerts.count)" + (raised.isEmpty ? "" : ": " + raised.joined(separator: "; ")))
            }
            if let severity = test.expectSeverity, alerts.first?.severity != severity {
                return outcome(false, "expected severity \(severity), got \(alerts.first.map { "\($0.severity)" } ?? "none")")
            }
            return outcome(true, raised.isEmpty ? "no alert, as expected" : raised.joined(separator: "; "))
        } catch {
            return outcome(false, error.description)
        }
    }
}
