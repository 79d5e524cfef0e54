public import FlowCore
public import FlowDetection
import Foundation
import Yams

/// Reads rule files (YAML) into ``RuleDefinition``s: the built-in catalog and users' `--rules` folders.
public enum RuleLoader {
    static let keys = [
        "id", "title", "severity", "description", "mitre", "runbook", "false_positives", "enabled", "match",
        "aggregate", "detector", "parameters", "escalate", "dedup", "dedup_by", "tests",
    ]

    /// The built-in catalog, parsed. A broken built-in rule is a bug; tests load every one.
    public static func builtin() throws(FlowLensError) -> [RuleDefinition] {
        var rules: [RuleDefinition] = []
        for (file, text) in BuiltinRules.files { rules.append(try parse(text, name: "builtin:\(file)")) }
        return rules
    }

    /// Every `*.yml`/`*.yaml` file in a folder, sorted by name.
    public static func load(directory: String) throws(FlowLensError) -> [RuleDefinition] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw FlowLensError(.badConfig, "cannot read the rules folder", location: directory)
        }
        var rules: [RuleDefinition] = []
        for name in names.sorted() where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw FlowLensError(.badConfig, "cannot read the rule file", location: path)
            }
            rules.append(try parse(String(decoding: data, as: UTF8.self), name: path))
        }
        if rules.isEmpty { throw FlowLensError(.badConfig, "no .yml rule files in the folder", location: directory) }
        return rules
    }

    /// The catalog a run uses: built-ins, then the user's rules (a user rule with a built-in's id
    /// replaces it), then the config's overrides.
    public static func catalog(userDirectories: [String], config: FlowLensConfig) throws(FlowLensError) -> [RuleDefinition] {
        var rules = try builtin()
        for directory in userDirectories {
            for rule in try load(directory: directory) {
                if let index = rules.firstIndex(where: { $0.id == rule.id }) { rules[index] = rule } else { rules.append(rule) }
            }
        }
        for id in config.overrides.keys where !rules.contains(where: { $0.id == id }) {
            throw FlowLensError(
                .badConfig, "rules.\(id): no rule has this id (known: \(rules.map(\.id).joined(separator: ", ")))",
                location: config.path)
        }
        return rules.map { $0.applying(config.overrides[$0.id]) }
    }

    /// Parses one rule file.
    public static func parse(_ text: String, name: String) throws(FlowLensError) -> RuleDefinition {
        let reader = YAMLReader(name: name)
        guard let root = try reader.document(text) else {
            throw FlowLensError(.badConfig, "the rule file is empty", location: name)
        }
        var fields: [String: Node] = [:]
        for (key, value) in try reader.mapping(root, "", known: keys) { fields[key] = value }
        func required(_ key: String) throws(FlowLensError) -> String {
            guard let node = fields[key] else { throw FlowLensError(.badConfig, "missing '\(key)'", location: name) }
            return try reader.string(node, key)
        }
        let id = try required("id")
        let severityText = try required("severity")
        guard let severity = Severity(name: severityText) else {
            throw reader.fail(fields["severity"]!, "severity", "'\(severityText)' is not one of info, low, medium, high, critical")
        }
        var rule = RuleDefinition(
            id: id, title: try required("title"), severity: severity, match: try required("match"), origin: name,
            source: text)
        if let node = fields["description"] { rule.description = try reader.string(node, "description") }
        if let node = fields["mitre"] { rule.mitre = try reader.strings(node, "mitre") }
        if let node = fields["runbook"] { rule.runbook = try reader.string(node, "runbook") }
        if let node = fields["false_positives"] { rule.falsePositives = try reader.strings(node, "false_positives") }
        if let node = fields["enabled"] { rule.enabled = try reader.bool(node, "enabled") }
        if let node = fields["dedup"] { rule.dedupSeconds = try reader.duration(node, "dedup") }
        if let node = fields["dedup_by"] { rule.dedupBy = try keyFields(node, "dedup_by", reader) }
        if let node = fields["detector"] {
            let detector = try reader.string(node, "detector")
            guard DetectionEngine.nativeDetectors.contains(detector) else {
                throw reader.fail(
                    node, "detector",
                    "unknown detector '\(detector)' (known: \(DetectionEngine.nativeDetectors.joined(separator: ", ")))")
            }
            rule.detector = detector
        }
        if let node = fields["parameters"] {
            for (key, value) in try reader.mapping(node, "parameters", known: nil) {
                rule.parameters[key] = try reader.number(value, "parameters.\(key)")
            }
        }
        if let node = fields["escalate"] {
            guard case .sequence(let items) = node else { throw reader.fail(node, "escalate", "expected a list") }
            for item in items {
                var when: String?
                var level: Severity?
                for (k, v) in try reader.mapping(item, "escalate", known: ["when", "severity"]) {
                    if k == "when" {
                        when = try reader.string(v, "escalate.when")
                    } else {
                        level = Severity(name: try reader.string(v, "escalate.severity"))
                        if level == nil { throw reader.fail(v, "escalate.severity", "not a severity") }
                    }
                }
                guard let when, let level else { throw reader.fail(item, "escalate", "needs 'when' and 'severity'") }
                rule.escalations.append(.init(when: when, severity: level))
            }
        }
        if let node = fields["aggregate"] { rule.aggregate = try aggregation(node, reader) }
        if let node = fields["tests"] { rule.tests = try tests(node, reader) }
        return rule
    }

    private static func keyFields(_ node: Node, _ path: String, _ reader: YAMLReader) throws(FlowLensError) -> [KeyField] {
        var fields: [KeyField] = []
        for text in try reader.strings(node, path) {
            guard let field = KeyField(rawValue: text) else {
                throw reader.fail(
                    node, path, "unknown key field '\(text)' (known: \(KeyField.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            fields.append(field)
        }
        guard fields.count <= 3 else { throw reader.fail(node, path, "at most three key fields") }
        return fields
    }

    private static func aggregation(_ node: Node, _ reader: YAMLReader) throws(FlowLensError) -> Aggregation {
        var by: [KeyField] = []
        var window: Int64 = 600
        var measure: Aggregation.Measure = .count
        var threshold: Double?
        for (key, value) in try reader.mapping(
            node, "aggregate", known: ["by", "window", "count", "distinct", "sum", "rate", "threshold"])
        {
            switch key {
            case "by": by = try keyFields(value, "aggregate.by", reader)
            case "window": window = try reader.duration(value, "aggregate.window")
            case "threshold": threshold = try reader.number(value, "aggregate.threshold")
            case "count": measure = .count
            case "distinct":
                let text = try reader.string(value, "aggregate.distinct")
                guard let field = KeyField(rawValue: text) else {
                    throw reader.fail(value, "aggregate.distinct", "unknown field '\(text)'")
                }
                measure = .distinct(field)
            default:
                let text = try reader.string(value, "aggregate.\(key)")
                guard let field = Aggregation.TrafficField(rawValue: text) else {
                    throw reader.fail(value, "aggregate.\(key)", "expected bytes or packets")
                }
                measure = key == "sum" ? .sum(field) : .rate(field)
            }
        }
        guard let threshold else { throw reader.fail(node, "aggregate", "needs a threshold") }
        guard !by.isEmpty else { throw reader.fail(node, "aggregate", "needs 'by' (key fields)") }
        return Aggregation(by: by, windowSeconds: window, measure: measure, threshold: threshold)
    }

    private static func tests(_ node: Node, _ reader: YAMLReader) throws(FlowLensError) -> [RuleTest] {
        guard case .sequence(let items) = node else { throw reader.fail(node, "tests", "expected a list") }
        var tests: [RuleTest] = []
        for item in items {
            var test = RuleTest(name: "test \(tests.count + 1)", records: "", expectAlerts: 0)
            for (key, value) in try reader.mapping(item, "tests", known: ["name", "records", "expect", "severity", "config"]) {
                switch key {
                case "name": test.name = try reader.string(value, "tests.name")
                case "records": test.records = try reader.string(value, "tests.records")
                case "expect": test.expectAlerts = Int(try reader.number(value, "tests.expect"))
                case "severity":
                    test.expectSeverity = Severity(name: try reader.string(value, "tests.severity"))
                    if test.expectSeverity == nil { throw reader.fail(value, "tests.severity", "not a severity") }
                default: test.config = try reader.string(value, "tests.config")
                }
            }
            tests.append(test)
        }
        return tests
    }
}
