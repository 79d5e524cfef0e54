import FlowCore
import FlowExpression
import FlowEnrichment

/// Accepted connections into a protected zone that no `allow` entry covers, judged by the
/// initiator (responses are the other half of an allowed connection and never count).
final class ZonePolicyDetector {
    private let rule: CompiledRule
    private let context: NetworkContext
    /// Every zone's blocks as address intervals, zone by zone in configuration order, so the
    /// first interval holding an address names the first zone holding it, as
    /// `NetworkContext.zoneIndex(of:)` answers; inline, since this runs for most accepted requests.
    private let zoneIntervals: [(low: IPAddress, high: IPAddress, zone: Int)]
    /// By zone index: whether the zone is protected.
    private let isProtected: [Bool]
    /// By target zone index: the allow entries whose `to` names it, in configuration order.
    private let entriesInto: [[Entry]]

    /// An allow entry with its zone names resolved to zone indices.
    private struct Entry {
        /// By source zone index, plus one last slot for "no zone": whether `from` admits it.
        var admitsFrom: [Bool]
        var ports: [ClosedRange<UInt16>]
        var sources: CIDRSet
    }

    init(rule: CompiledRule, context: NetworkContext) {
        self.rule = rule
        self.context = context
        var intervals: [(low: IPAddress, high: IPAddress, zone: Int)] = []
        for (index, zone) in context.zones.enumerated() {
            for block in zone.networks.blocks {
                let hostHigh: UInt64 = block.bits >= 64 ? 0 : ~0 >> UInt64(block.bits)
                let hostLow: UInt64 = block.bits <= 64 ? ~0 : (block.bits >= 128 ? 0 : ~0 >> UInt64(block.bits - 64))
                let high = IPAddress(high: block.network.high | hostHigh, low: block.network.low | hostLow)
                intervals.append((block.network, high, index))
            }
        }
        zoneIntervals = intervals
        let names = context.zones.map(\.name)
        // A protected name marks the first zone of that name, as `zoneIndex` finds zones.
        var protected = Array(repeating: false, count: names.count)
        for name in context.policy.protect {
            if let index = names.firstIndex(of: name) { protected[index] = true }
        }
        isProtected = protected
        entriesInto = names.map { target in
            context.policy.allow.filter { $0.to == target }.map { entry in
                Entry(
                    admitsFrom: names.map { name in entry.from.map { $0 == name } ?? true } + [entry.from == nil],
                    ports: entry.ports, sources: entry.sources)
            }
        }
    }

    /// Every block of a protected zone: the only responders the detector can judge (the zone
    /// holding an address first must be protected), and so a test the engine adds to the rule's
    /// match. Empty when no zone is protected.
    static func targets(in context: NetworkContext) -> CIDRSet {
        let names = context.zones.map(\.name)
        var blocks: [CIDR] = []
        for name in Set(context.policy.protect) {
            if let index = names.firstIndex(of: name) { blocks += context.zones[index].networks.blocks }
        }
        return CIDRSet(blocks)
    }

    /// The first zone holding `address`, as `NetworkContext.zoneIndex(of:)`.
    @inline(__always)
    private func zone(of address: IPAddress) -> Int? {
        for interval in zoneIntervals {
            let above =
                address.high > interval.low.high || (address.high == interval.low.high && address.low >= interval.low.low)
            let below =
                address.high < interval.high.high
                || (address.high == interval.high.high && address.low <= interval.high.low)
            if above && below { return interval.zone }
        }
        return nil
    }

    func observe(_ record: UnsafePointer<FlowRecord>, _ facts: RecordFacts, _ book: inout AlertBook) {
        guard !facts.isResponse, record.pointee.action != .reject,
            let targetZone = zone(of: facts.responder), isProtected[targetZone]
        else { return }
        let sourceZone = zone(of: facts.initiator)
        if sourceZone == targetZone { return }
        let sourceSlot = sourceZone ?? isProtected.count
        for entry in entriesInto[targetZone] {
            if !entry.admitsFrom[sourceSlot] { continue }
            if !entry.ports.isEmpty && !entry.ports.contains(where: { $0.contains(facts.servicePort) }) { continue }
            if !entry.sources.isEmpty && !entry.sources.contains(facts.initiator) { continue }
            return
        }
        let targetName = context.zones[targetZone].name
        let sourceName = sourceZone.map { context.zones[$0].name }
        let key = "\(facts.initiator)|\(facts.responder)|\(facts.servicePort)"
        let proto = record.pointee.proto
        book.raise(
            rule: rule, key: key, time: facts.time, src: facts.initiator, dst: facts.responder,
            dstPort: facts.hasPorts ? facts.servicePort : nil, count: 1, addCount: true, bytes: record.pointee.bytes,
            packets: record.pointee.packets, interface: record.interfaceSymbol, severity: rule.severity(for: record)
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
