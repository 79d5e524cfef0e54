public import FlowCore

/// One alert, as written to `--alerts` (one JSON object per line, DESIGN.md's contract).
public struct Alert: Sendable, Hashable {
    public var rule: String
    public var title: String
    public var severity: Severity
    /// Event times (Unix seconds) of the first and last record that contributed.
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var src: IPAddress?
    public var dst: IPAddress?
    public var dstPort: UInt16?
    /// What the rule measured: records for per-record rules, the window's measure otherwise.
    public var count: Int
    public var bytes: UInt64
    public var packets: UInt64
    public var interfaceIDs: [String]
    /// Rule-specific facts: threshold, window, sampled ports or hosts, baselines.
    public var evidence: [String: EvidenceValue]
    public var mitre: [String]
    public var runbook: String
    public var dedupKey: String

    public init(
        rule: String, title: String, severity: Severity, firstSeen: Int64, lastSeen: Int64, src: IPAddress?,
        dst: IPAddress?, dstPort: UInt16?, count: Int, bytes: UInt64, packets: UInt64, interfaceIDs: [String],
        evidence: [String: EvidenceValue], mitre: [String], runbook: String, dedupKey: String
    ) {
        self.rule = rule
        self.title = title
        self.severity = severity
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.src = src
        self.dst = dst
        self.dstPort = dstPort
        self.count = count
        self.bytes = bytes
        self.packets = packets
        self.interfaceIDs = interfaceIDs
        self.evidence = evidence
        self.mitre = mitre
        self.runbook = runbook
        self.dedupKey = dedupKey
    }
}

/// A JSON-friendly evidence value.
public enum EvidenceValue: Sendable, Hashable, CustomStringConvertible {
    case number(Double)
    case text(String)
    case list([String])

    public var description: String {
        switch self {
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .text(let t): t
        case .list(let l): l.joined(separator: ", ")
        }
    }
}

extension Alert {
    /// The alert as one line of JSON with the contract's keys.
    public var jsonLine: String {
        var fields: [(String, String)] = [
            ("rule", JSON.string(rule)), ("title", JSON.string(title)), ("severity", JSON.string(severity.description)),
            ("first_seen", JSON.string(Timestamp.rfc3339(firstSeen))),
            ("last_seen", JSON.string(Timestamp.rfc3339(lastSeen))),
            ("src", src.map { JSON.string($0.description) } ?? "null"),
            ("dst", dst.map { JSON.string($0.description) } ?? "null"),
            ("dst_port", dstPort.map { String($0) } ?? "null"),
            ("count", String(count)), ("bytes", String(bytes)), ("packets", String(packets)),
            ("interface_ids", "[" + interfaceIDs.map(JSON.string).joined(separator: ",") + "]"),
        ]
        let evidenceText = evidence.keys.sorted().map { key -> String in
            let value: String
            switch evidence[key]! {
            case .number(let n): value = EvidenceValue.number(n).description
            case .text(let t): value = JSON.string(t)
            case .list(let l): value = "[" + l.map(JSON.string).joined(separator: ",") + "]"
            }
            return JSON.string(key) + ":" + value
        }.joined(separator: ",")
        fields.append(("evidence", "{" + evidenceText + "}"))
        fields.append(("mitre", "[" + mitre.map(JSON.string).joined(separator: ",") + "]"))
        fields.append(("runbook", JSON.string(runbook)))
        fields.append(("dedup_key", JSON.string(dedupKey)))
        return "{" + fields.map { JSON.string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}
