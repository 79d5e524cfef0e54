import FlowCore
import FlowEnrichment
import FlowExpression

/// A per-record rule at run time: every match raises (or adds to) an alert.
///
/// A rule that matches steady traffic (a service exposed to the internet) adds to one open
/// alert per dedup key for most of its matches, so it remembers which alert each key raised and
/// merges a repeat into it directly; building the key's text and looking it up by string is
/// left to the first match of a key and to repeats after the dedup period.
final class RecordRule {
    let rule: CompiledRule
    private let context: NetworkContext
    private let keyContext: KeyContext
    /// The dedup fields, held inline: a key is built without reading the rule's array.
    private let keyFields: KeyFields
    /// Keys that raised an alert, and the alert each raised.
    @exclusivity(unchecked) private var keys = KeyIndex()
    @exclusivity(unchecked) private var alertOfKey: [Int] = []

    init(rule: CompiledRule, context: NetworkContext, keyContext: KeyContext) {
        self.rule = rule
        self.context = context
        self.keyContext = keyContext
        keyFields = KeyFields(rule.dedupFields)
    }

    func observe(_ record: UnsafePointer<FlowRecord>, _ facts: RecordFacts, _ book: inout AlertBook) {
        let fields = rule.dedupFields
        let key = keyFields.key(record, facts, keyContext)
        let severity = rule.severity(for: record)
        if let slot = keys.slot(of: key),
            book.mergeRepeat(
                into: alertOfKey[slot], rule: rule, time: facts.time, src: facts.initiator, dst: facts.responder,
                count: 1, addCount: true, bytes: record.pointee.bytes, packets: record.pointee.packets, interface: record.interfaceSymbol,
                severity: severity)
        {
            return
        }
        let port: UInt16? = facts.hasPorts ? facts.servicePort : nil
        // The evidence closure cannot capture a borrowed record; it needs only these fields.
        let proto = record.pointee.proto
        let action = record.pointee.action
        let tcpFlags: UInt16? = record.pointee.has(.tcpFlags) ? record.pointee.tcpFlags : nil
        let raised = book.raise(
            rule: rule, key: key.text(fields, context: keyContext), time: facts.time, src: facts.initiator,
            dst: facts.responder, dstPort: port, count: 1, addCount: true, bytes: record.pointee.bytes,
            packets: record.pointee.packets, interface: record.interfaceSymbol, severity: severity
        ) {
            var evidence: [String: EvidenceValue] = [:]
            evidence["protocol"] = .text(IPProtocolNames.name(proto))
            if let action { evidence["action"] = .text(action.name) }
            if let tcpFlags { evidence["tcp_flags"] = .number(Double(tcpFlags)) }
            if let zone = context.zoneName(of: facts.responder) { evidence["responder_zone"] = .text(zone) }
            if let zone = context.zoneName(of: facts.initiator) { evidence["initiator_zone"] = .text(zone) }
            return evidence
        }
        guard let raised else { return }
        let (slot, inserted) = keys.insert(key)
        if inserted { alertOfKey.append(raised) } else { alertOfKey[slot] = raised }
    }
}
