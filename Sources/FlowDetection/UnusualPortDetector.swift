import FlowCore
import FlowExpression

/// A remote service port that an internal host never used during its baseline.
///
/// Each host learns the ports of the connections it opens for `baseline_hours` (default 6) after
/// it is first seen; afterwards a connection to a port outside that set raises an alert, once per
/// host and port. Hosts seen for less than the baseline are never judged.
final class UnusualPortDetector {
    private let rule: CompiledRule
    private let baseline: Int64
    /// Hosts by initiator address, through a flat index: every outbound request looks one up.
    @exclusivity(unchecked) private var hostIndex = KeyIndex()
    @exclusivity(unchecked) private var hosts: [Host] = []

    final class Host {
        @exclusivity(unchecked) var firstSeen: Int64
        @exclusivity(unchecked) var ports = PortSet()
        init(firstSeen: Int64) { self.firstSeen = firstSeen }
    }

    init(rule: CompiledRule) {
        self.rule = rule
        baseline = Int64(rule.parameter("baseline_hours", default: 6) * 3600)
    }

    static let commonPorts: Set<UInt16> = [53, 80, 123, 443]

    var stateSize: Int { hosts.reduce(0) { $0 + 1 + $1.ports.count } }

    func observe(_ record: UnsafePointer<FlowRecord>, _ facts: RecordFacts, _ book: inout AlertBook) {
        guard !facts.isResponse, facts.hasPorts else { return }
        let (slot, inserted) = hostIndex.insert(WindowKey(a: facts.initiator, b: .zero, c: .zero))
        if inserted { hosts.append(Host(firstSeen: facts.time)) }
        let host = hosts[slot]
        if facts.time < host.firstSeen { host.firstSeen = facts.time }
        if facts.time - host.firstSeen < baseline || host.ports.contains(facts.servicePort) {
            if facts.time - host.firstSeen < baseline { host.ports.insert(facts.servicePort) }
            return
        }
        // Web, DNS and NTP are everyone's ports: learned, never alerted on.
        if Self.commonPorts.contains(facts.servicePort) { return }
        let learned = host.ports.sorted(limit: 20).map(String.init)
        book.raise(
            rule: rule, key: "\(facts.initiator)|\(facts.servicePort)", time: facts.time, src: facts.initiator,
            dst: facts.responder, dstPort: facts.servicePort, count: 1, addCount: true, bytes: record.pointee.bytes,
            packets: record.pointee.packets, interface: record.interfaceSymbol, severity: rule.severity(for: record)
        ) {
            ["baseline_ports": .list(learned), "baseline_hours": .number(Double(baseline / 3600))]
        }
    }
}
