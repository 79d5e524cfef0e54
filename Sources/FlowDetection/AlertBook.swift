import FlowCore

/// Open and closed alerts, deduplicated per rule and key within each rule's dedup period.
///
/// A repeat within the period merges into the existing alert: times widen, traffic adds up and
/// the count keeps the largest measure seen, so one attack is one alert however long it runs.
struct AlertBook {
    private(set) var alerts: [Alert] = []
    private var open: [String: Int] = [:]
    /// By alert index: whether it is still the open alert of its dedup key (a later alert with
    /// the same key replaces it once the dedup period has passed).
    private var isOpen: [Bool] = []
    /// By alert index: the interfaces already listed, compared as symbols so that a repeat
    /// does not build the interface's name.
    private var interfaceSymbols: [[Symbol]] = []
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
        if isSuppressed(definition.id, src: src, dst: dst) {
            suppressed += 1
            return nil
        }
        let dedupKey = definition.id + "|" + key
        let previous = open[dedupKey]
        if let index = previous, isWithinDedup(index, time, definition.dedupSeconds) {
            merge(
                index, time: time, count: count, addCount: addCount, bytes: bytes, packets: packets,
                interface: interface, severity: severity)
            return index
        }
        if let previous { isOpen[previous] = false }
        let alert = Alert(
            rule: definition.id, title: definition.title, severity: severity, firstSeen: time, lastSeen: time, src: src,
            dst: dst, dstPort: dstPort, count: count, bytes: bytes, packets: packets,
            interfaceIDs: interface.flatMap { $0 == .empty ? nil : [$0.string] } ?? [], evidence: evidence(),
            mitre: definition.mitre, runbook: definition.runbook, dedupKey: dedupKey)
        alerts.append(alert)
        isOpen.append(true)
        interfaceSymbols.append(interface.flatMap { $0 == .empty ? nil : [$0] } ?? [])
        open[dedupKey] = alerts.count - 1
        return alerts.count - 1
    }

    /// Merges a repeat into the alert at `index`, as `raise` would for the same rule and key,
    /// without building the key's text: for rules that remember which alert a key raised.
    ///
    /// - Returns: false when `raise` must decide instead (the alert is no longer open, or the
    ///   repeat falls outside its dedup period); true when the repeat was merged or suppressed.
    mutating func mergeRepeat(
        into index: Int, rule: CompiledRule, time: Int64, src: IPAddress?, dst: IPAddress?, count: Int,
        addCount: Bool, bytes: UInt64, packets: UInt64, interface: Symbol?, severity: Severity
    ) -> Bool {
        if isSuppressed(rule.definition.id, src: src, dst: dst) {
            suppressed += 1
            return true
        }
        guard isOpen[index], isWithinDedup(index, time, rule.definition.dedupSeconds) else { return false }
        merge(
            index, time: time, count: count, addCount: addCount, bytes: bytes, packets: packets, interface: interface,
            severity: severity)
        return true
    }

    private func isSuppressed(_ rule: String, src: IPAddress?, dst: IPAddress?) -> Bool {
        !suppressions.isEmpty && suppressions.contains(where: { $0.covers(rule: rule, src: src, dst: dst) })
    }

    private func isWithinDedup(_ index: Int, _ time: Int64, _ dedupSeconds: Int64) -> Bool {
        time - alerts[index].firstSeen <= dedupSeconds && alerts[index].firstSeen - time <= dedupSeconds
    }

    private mutating func merge(
        _ index: Int, time: Int64, count: Int, addCount: Bool, bytes: UInt64, packets: UInt64, interface: Symbol?,
        severity: Severity
    ) {
        alerts[index].firstSeen = min(alerts[index].firstSeen, time)
        alerts[index].lastSeen = max(alerts[index].lastSeen, time)
        alerts[index].count = addCount ? alerts[index].count + count : max(alerts[index].count, count)
        alerts[index].bytes &+= bytes
        alerts[index].packets &+= packets
        if severity > alerts[index].severity { alerts[index].severity = severity }
        if let interface, interface != .empty, alerts[index].interfaceIDs.count < 16,
            !interfaceSymbols[index].contains(interface)
        {
            interfaceSymbols[index].append(interface)
            alerts[index].interfaceIDs.append(interface.string)
        }
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
