import FlowCore
import FlowExpression
import FlowEnrichment

/// Accepted connections into a protected zone that no `allow` entry covers, judged by the
/// initiator (responses are the other half of an allowed connection and never count).
final class ZonePolicyDetector {
    private let context: NetworkContext
    private let protected: Set<Int>

    init(context: NetworkContext) {
        self.context = context
        protected = Set(context.policy.protect.compactMap { name in context.zones.firstIndex { $0.name == name } })
    }

    func observe(_ record: borrowing FlowRecord, _ facts: RecordFacts, _ rule: CompiledRule, _ book: inout AlertBook) {
        guard !facts.isResponse, record.action != .reject,
            let targetZone = context.zoneIndex(of: facts.responder), protected.contains(targetZone)
        else { return }
        let sourceZone = context.zoneIndex(of: facts.initiator)
        if sourceZone == targetZone { return }
        let targetName = context.zones[targetZone].name
        let sourceName = sourceZone.map { context.zones[$0].name }
        for entry in context.policy.allow where entry.to == targetName {
            if let from = entry.from, from != sourceName { continue }
            if !entry.ports.isEmpty && !entry.ports.contains(where: { $0.contains(facts.servicePort) }) { continue }
            if !entry.sources.isEmpty && !entry.sources.contains(facts.initiator) { continue }
            return
        }
        let key = "\(facts.initiator)|\(facts.responder)|\(facts.servicePort)"
        let proto = record.proto
        book.raise(
            rule: rule, key: key, time: facts.time, src: facts.initiator, dst: facts.responder,
            dstPort: facts.hasPorts ? facts.servicePort : nil, count: 1, addCount: true, bytes: record.bytes,
            packets: record.packets, interface: record.interfaceID, severity: rule.severity(for: record)
        ) {
            [
                "from_zone": .text(sourceName ?? "(no zone)"), "to_zone": .text(targetName),
                "protocol": .text(IPProtocolNames.name(proto)),
                "allowed": .list(
                    context.policy.allow.filter { $0.to == targetName }.map { entry in
                        "\(entry.from ?? "any") -> \(entry.to) ports \(entry.ports.isEmpty ? "any" : entry.ports.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ","))"
                    }),
            ]
        }
    }
}
