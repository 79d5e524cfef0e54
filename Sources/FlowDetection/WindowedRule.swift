import FlowCore
import FlowExpression

/// A windowed rule at run time: its aggregation settings, read once, and the sliding window of
/// every key it has seen.
///
/// Keys map to windows through a ``KeyIndex`` rather than a dictionary: a busy rule (outbound
/// DoS sees every outbound request) updates a window for most records of a scan.
final class WindowedRule {
    let rule: CompiledRule
    let aggregate: Aggregation
    private let dedupSeconds: Int64
    /// Floods are many small packets; a rule can refuse to fire on full-size bulk transfers.
    private let maxMeanPacketBytes: Double?
    private let keyContext: KeyContext
    /// The aggregation's settings as plain values, read once: a key is built without reading
    /// the array `aggregate.by`.
    private let keyFields: KeyFields
    private let measureKind: Aggregation.Measure
    private let windowSeconds: Int64
    private let threshold: Double
    @exclusivity(unchecked) private var keys = KeyIndex()
    @exclusivity(unchecked) private var windows: [WindowState] = []
    /// By slot: the newest event time of the key's window (its `maxTime`), kept flat beside the
    /// windows so that a sweep reads one array rather than every window object.
    @exclusivity(unchecked) private var newest: [Int64] = []
    /// Records observed but not yet applied, oldest first, from `queueStart` on (a ring of
    /// ``queueDepth``): see ``observe(_:_:_:)``.
    private let queue: UnsafeMutablePointer<Queued>
    @exclusivity(unchecked) private var queueStart = 0
    @exclusivity(unchecked) private var queued = 0

    /// Records in flight between a key's bucket being prefetched and its window being updated:
    /// enough records of other rules in between to cover a miss, few enough to stay in cache.
    private static var queueDepth: Int { 8 }

    /// A matched record waiting for its key's bucket to arrive in cache.
    private struct Queued {
        var record: UnsafePointer<FlowRecord>
        var facts: RecordFacts
        var key: WindowKey
        var hash: Int
    }

    init(rule: CompiledRule, aggregate: Aggregation, keyContext: KeyContext) {
        self.rule = rule
        self.aggregate = aggregate
        self.keyContext = keyContext
        dedupSeconds = rule.definition.dedupSeconds
        maxMeanPacketBytes = rule.definition.parameters["max_mean_packet_bytes"]
        keyFields = KeyFields(aggregate.by)
        measureKind = aggregate.measure
        windowSeconds = aggregate.windowSeconds
        threshold = aggregate.threshold
        queue = .allocate(capacity: Self.queueDepth)
    }

    deinit { queue.deallocate() }

    var stateSize: Int { windows.reduce(0) { $0 + 1 + $1.approximateSize } }

    /// Takes a matched record, and applies the one observed ``queueDepth`` records before it.
    ///
    /// Most keys of a scan are new (scanner noise: a source probing once), and a new key's
    /// bucket is a cache miss that nothing else could overlap. Its bucket is prefetched here and
    /// the record applied a few records later, by when the bucket has arrived. The record stays
    /// valid in its batch until ``flush(_:)``, which the engine calls after every block; a rule
    /// still sees its records in order, and alerts of different rules never interact.
    @inline(__always)
    func observe(_ record: UnsafePointer<FlowRecord>, _ facts: RecordFacts, _ book: inout AlertBook) {
        let key = keyFields.key(record, facts, keyContext)
        let hash = KeyIndex.hash(key)
        keys.prefetch(hash: hash)
        let depth = Self.queueDepth
        if queued == depth {
            let oldest = queue[queueStart]
            queue[queueStart] = Queued(record: record, facts: facts, key: key, hash: hash)
            queueStart = (queueStart + 1) & (depth - 1)
            apply(oldest.record, oldest.facts, oldest.key, oldest.hash, &book)
        } else {
            (queue + ((queueStart + queued) & (depth - 1))).initialize(
                to: Queued(record: record, facts: facts, key: key, hash: hash))
            queued += 1
        }
    }

    /// Applies every record still queued: before their batch's records go away.
    func flush(_ book: inout AlertBook) {
        while queued > 0 {
            let oldest = queue[queueStart]
            queueStart = (queueStart + 1) & (Self.queueDepth - 1)
            queued -= 1
            apply(oldest.record, oldest.facts, oldest.key, oldest.hash, &book)
        }
    }

    private func apply(
        _ record: UnsafePointer<FlowRecord>, _ facts: RecordFacts, _ key: WindowKey, _ hash: Int,
        _ book: inout AlertBook
    ) {
        let (slot, inserted) = keys.insert(key, hash: hash)
        if inserted {
            windows.append(WindowState())
            newest.append(facts.time)
        } else if facts.time > newest[slot] {
            newest[slot] = facts.time
        }
        var amount: UInt64 = 1
        var value: IPAddress?
        switch measureKind {
        case .count: amount = 1
        case .sum(let field), .rate(let field): amount = field == .bytes ? record.pointee.bytes : record.pointee.packets
        case .distinct(let field): value = WindowKey.value(field, record, facts, keyContext)
        }
        // The window is updated in place in the array, in one call: copying it out would retain
        // and release its arrays on every record, and every access checks the array's uniqueness.
        let measure = windows[slot].add(
            record, time: facts.time, amount: amount, value: value, window: windowSeconds,
            measure: measureKind, threshold: threshold)
        if let alertIndex = windows[slot].alertIndex, facts.time - book.alerts[alertIndex].firstSeen <= dedupSeconds {
            book.touch(alertIndex, time: facts.time, bytes: record.pointee.bytes, packets: record.pointee.packets)
            if Int(measure) > book.alerts[alertIndex].count { updateCount(alertIndex, Int(measure), windows[slot], &book) }
            return
        }
        guard measure >= threshold else { return }
        let state = windows[slot]
        if let maxMeanPacketBytes, state.packets > 0, Double(state.bytes) / Double(state.packets) > maxMeanPacketBytes {
            return
        }
        let keyText = key.text(aggregate.by, context: keyContext)
        let src = addressFor(aggregate.by, key, preferring: [.initiator, .src, .srcaddr])
        let dst = addressFor(aggregate.by, key, preferring: [.responder, .dst, .dstaddr])
        var port: UInt16?
        if let position = aggregate.by.firstIndex(where: { $0 == .servicePort || $0 == .dstport }) {
            port = UInt16(truncatingIfNeeded: [key.a, key.b, key.c][position].low)
        }
        let alertIndex = book.raise(
            rule: rule, key: keyText, time: state.windowStart, src: src, dst: dst, dstPort: port, count: Int(measure),
            addCount: false, bytes: state.bytes, packets: state.packets, interface: state.interface,
            severity: rule.severity(for: record)
        ) { evidence(for: state, measure: measure) }
        windows[slot].alertIndex = alertIndex
        if let alertIndex { book.touch(alertIndex, time: facts.time, bytes: 0, packets: 0) }
    }

    /// Drops the windows of keys that no record within the lateness allowance can extend.
    func expire(before watermark: Int64) {
        let horizon = watermark - windowSeconds
        let kept = keys.compact { newest[$0] >= horizon }
        windows.keepInPlace(kept, refilling: WindowState())
        newest.keepInPlace(kept)
    }

    /// Raises an open alert's count; the sampled values are refreshed only when the count has
    /// doubled, since sorting them on every record of a long scan would cost more than the scan.
    private func updateCount(_ alertIndex: Int, _ count: Int, _ state: WindowState, _ book: inout AlertBook) {
        var evidence = book.alerts[alertIndex].evidence
        if count >= 2 * book.alerts[alertIndex].count {
            for (k, v) in self.evidence(for: state, measure: Double(count)) { evidence[k] = v }
        } else {
            evidence["measure"] = .number(Double(count))
        }
        book.replaceCount(alertIndex, count, evidence)
    }

    private func evidence(for state: WindowState, measure: Double) -> [String: EvidenceValue] {
        var evidence: [String: EvidenceValue] = [
            "window_seconds": .number(Double(aggregate.windowSeconds)), "threshold": .number(aggregate.threshold),
            "measure": .number((measure * 100).rounded() / 100),
        ]
        if case .distinct(let field) = aggregate.measure {
            let values = state.distinct.values.sorted().prefix(25).map {
                WindowKey.render($0, as: field, context: keyContext)
            }
            evidence["distinct_" + String(field.rawValue.map { $0 == "-" ? "_" : $0 })] = .list(values)
        }
        return evidence
    }

    private func addressFor(_ fields: [KeyField], _ key: WindowKey, preferring: [KeyField]) -> IPAddress? {
        let values = [key.a, key.b, key.c]
        for wanted in preferring {
            if let position = fields.firstIndex(of: wanted) { return values[position] }
        }
        return nil
    }
}

extension WindowKey {
    /// The key as people read it: its values joined by `|`, as alerts' dedup keys show them.
    func text(_ fields: [KeyField], context: KeyContext) -> String {
        let values = [a, b, c]
        return fields.enumerated().map { WindowKey.render(values[$0.offset], as: $0.element, context: context) }
            .joined(separator: "|")
    }
}
