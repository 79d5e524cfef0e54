import FlowCore

/// Open and closed alerts, deduplicated per rule and key within each rule's dedup period.
///
/// A repeat within the period merges into the existing alert: times widen, traffic adds up and
/// the count keeps the largest measure seen, so one attack is one alert however long it runs.
struct AlertBook {
    private(set) var alerts: [Alert] = []
    private var open: [String: Int] = [:]
    private(set) var suppressed = 0
    let suppressions: [Suppression]

    init(suppressions: [Suppression]) { self.suppressions = suppressions }

    /// Raises or updates an alert. Returns the alert's index, or nil when suppressed.
    @discardableResult
    mutating func raise(
        rule: CompiledRule, key: String, time: Int64, src: IPAddress?, dst: IPAddress?, dstPort: UInt16?,
        count: Int, addCount: Bool, bytes: UInt64, packets: UInt64, interface: Symbol?, severity: Severity,
        evidence: () -> [String: EvidenceValue]
    ) -> Int? {
        let definition = rule.definition
        if suppressions.contains(where: { $0.covers(rule: definition.id, src: src, dst: dst) }) {
            suppressed += 1
            return nil
        }
        let dedupKey = definition.id + "|" + key
        if let index = open[dedupKey], time - alerts[index].firstSeen <= definition.dedupSeconds,
            alerts[index].firstSeen - time <= definition.dedupSeconds
        {
            alerts[index].firstSeen = min(alerts[index].firstSeen, time)
            alerts[index].lastSeen = max(alerts[index].lastSeen, time)
            alerts[index].count = addCount ? alerts[index].count + count : max(alerts[index].count, count)
            alerts[index].bytes &+= bytes
            alerts[index].packets &+= packets
            if severity > alerts[index].severity { alerts[index].severity = severity }
            if let interface, interface != .empty, alerts[index].interfaceIDs.count < 16 {
                let name = interface.string
                if !alerts[index].interfaceIDs.contains(name) { alerts[index].interfaceIDs.append(name) }
            }
            return index
        }
        let alert = Alert(
            rule: definition.id, title: definition.title, severity: severity, firstSeen: time, lastSeen: time, src: src,
            dst: dst, dstPort: dstPort, count: count, bytes: bytes, packets: packets,
            interfaceIDs: interface.flatMap { $0 == .empty ? nil : [$0.string] } ?? [], evidence: evidence(),
            mitre: definition.mitre, runbook: definition.runbook, dedupKey: dedupKey)
        alerts.append(alert)
        open[dedupKey] = alerts.count - 1
        return alerts.count - 1
    }

    mutating func replaceCount(_ index: Int, _ count: Int, _ evidence: [String: EvidenceValue]) {
        alerts[index].count = count
        alerts[index].evidence = evidence
    }

    /// Widens an alert's time range (for records that arrive after it fired).
    mutating func touch(_ index: Int, time: Int64, bytes: UInt64, packets: UInt64) {
        alerts[index].firstSeen = min(alerts[index].firstSeen, time)
        alerts[index].lastSeen = max(alerts[index].lastSeen, time)
        alerts[index].bytes &+= bytes
        alerts[index].packets &+= packets
    }
}
