public import FlowDetection
import FlowCore

/// The readable alert list `scan` prints: by severity, each with its evidence and runbook line.
public enum AlertText {
    public static func render(_ alerts: [Alert]) -> String {
        guard !alerts.isEmpty else { return "Alerts: none" }
        var out: [String] = []
        var bySeverity: [Severity: Int] = [:]
        for alert in alerts { bySeverity[alert.severity, default: 0] += 1 }
        out.append(
            "Alerts: \(alerts.count) (" + Severity.allCases.reversed().compactMap { s in
                bySeverity[s].map { "\($0) \(s)" }
            }.joined(separator: ", ") + ")")
        for alert in alerts {
            out.append("")
            let route = [alert.src?.description ?? "*", alert.dst?.description ?? "*"].joined(separator: " -> ")
            let port = alert.dstPort.map { ":\($0)" } ?? ""
            out.append("[\(alert.severity.description.uppercased())] \(alert.rule): \(alert.title)")
            out.append("  \(route)\(port)  \(Timestamp.rfc3339(alert.firstSeen)) .. \(Timestamp.rfc3339(alert.lastSeen))")
            out.append("  count \(alert.count), \(Format.bytes(alert.bytes)), \(Format.count(alert.packets)) packets"
                + (alert.interfaceIDs.isEmpty ? "" : ", via \(alert.interfaceIDs.prefix(3).joined(separator: ", "))"))
            if !alert.evidence.isEmpty {
                out.append("  evidence: " + alert.evidence.keys.sorted().map { "\($0)=\(alert.evidence[$0]!)" }.joined(separator: "; "))
            }
            if !alert.mitre.isEmpty { out.append("  MITRE ATT&CK: \(alert.mitre.joined(separator: ", "))") }
            if let line = alert.runbook.split(separator: "\n").first { out.append("  runbook: \(line)") }
        }
        return out.joined(separator: "\n")
    }
}
