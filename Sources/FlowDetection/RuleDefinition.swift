/// A detection rule as written in its YAML file: metadata, logic and its own tests.
///
/// Rules are data: the built-in catalog ships as YAML text inside the binary and users add their
/// own files with `--rules DIR`. Parsing lives in FlowLensKit; this is the parsed form.
public struct RuleDefinition: Sendable, Hashable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var description: String
    public var mitre: [String]
    public var runbook: String
    public var falsePositives: [String]
    public var enabled: Bool
    /// Expression every record must satisfy to count for this rule.
    public var match: String
    /// Windowed aggregation; nil for a per-record rule (and for native detectors).
    public var aggregate: Aggregation?
    /// A stateful detector built into the engine (`beaconing`, `exfiltration`, `unusual-port`,
    /// `zone-policy`), tuned by `parameters`.
    public var detector: String?
    public var parameters: [String: Double]
    /// Raise the severity when the expression holds for the record that opens the alert.
    public var escalations: [Escalation]
    /// Alerts with the same key within this many seconds merge into one.
    public var dedupSeconds: Int64
    /// Fields whose values make an alert distinct (default: the aggregation key, or the pair and
    /// service port for per-record rules).
    public var dedupBy: [KeyField]
    public var tests: [RuleTest]
    /// Where the rule came from (`builtin` or a file path), for messages.
    public var origin: String
    /// The YAML source, as `rules show` prints it.
    public var source: String

    public init(
        id: String, title: String, severity: Severity, description: String = "", mitre: [String] = [],
        runbook: String = "", falsePositives: [String] = [], enabled: Bool = true, match: String,
        aggregate: Aggregation? = nil, detector: String? = nil, parameters: [String: Double] = [:],
        escalations: [Escalation] = [], dedupSeconds: Int64 = 3600, dedupBy: [KeyField] = [], tests: [RuleTest] = [],
        origin: String = "builtin", source: String = ""
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.description = description
        self.mitre = mitre
        self.runbook = runbook
        self.falsePositives = falsePositives
        self.enabled = enabled
        self.match = match
        self.aggregate = aggregate
        self.detector = detector
        self.parameters = parameters
        self.escalations = escalations
        self.dedupSeconds = dedupSeconds
        self.dedupBy = dedupBy
        self.tests = tests
        self.origin = origin
        self.source = source
    }

    public struct Escalation: Sendable, Hashable {
        public var when: String
        public var severity: Severity
        public init(when: String, severity: Severity) {
            self.when = when
            self.severity = severity
        }
    }
}

/// How a windowed rule groups and measures records.
public struct Aggregation: Sendable, Hashable {
    /// Key fields: records with equal values share a window.
    public var by: [KeyField]
    public var windowSeconds: Int64
    public var measure: Measure
    /// The alert fires when the measure reaches this value within the window.
    public var threshold: Double

    public enum Measure: Sendable, Hashable {
        /// Matching records.
        case count
        /// Distinct values of a field.
        case distinct(KeyField)
        /// Sum of bytes or packets.
        case sum(TrafficField)
        /// Sum of bytes or packets per second of window.
        case rate(TrafficField)
    }

    public enum TrafficField: String, Sendable, Hashable {
        case bytes, packets
    }

    public init(by: [KeyField], windowSeconds: Int64, measure: Measure, threshold: Double) {
        self.by = by
        self.windowSeconds = windowSeconds
        self.measure = measure
        self.threshold = threshold
    }
}

/// A record-derived value used as a grouping key or a distinct-count subject.
public enum KeyField: String, Sendable, Hashable, CaseIterable {
    /// The address that opened the connection (packet-level).
    case initiator
    /// The address that accepted it.
    case responder
    /// The responder's port.
    case servicePort = "service-port"
    /// The initiator's port: a new one per session.
    case clientPort = "client-port"
    case srcaddr, dstaddr, srcport, dstport
    /// The packet-level source and destination.
    case src, dst
    case interface = "interface-id"
    case protocolNumber = "protocol"
    /// The responder's trust zone.
    case responderZone = "responder-zone"
    case initiatorZone = "initiator-zone"
}

/// One test a rule carries: records and what the rule must (or must not) raise on them.
public struct RuleTest: Sendable, Hashable {
    public var name: String
    /// Flow log lines; a header line first sets the layout, otherwise the v2 default.
    public var records: String
    /// Number of alerts this rule must raise (0 for a negative test).
    public var expectAlerts: Int
    /// If set, the severity of the first alert.
    public var expectSeverity: Severity?
    /// Extra config for the test, as `flowlens.yml` text (networks, zones, intel addresses...).
    public var config: String?

    public init(name: String, records: String, expectAlerts: Int, expectSeverity: Severity? = nil, config: String? = nil) {
        self.name = name
        self.records = records
        self.expectAlerts = expectAlerts
        self.expectSeverity = expectSeverity
        self.config = config
    }
}
