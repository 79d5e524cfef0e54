public import FlowCore
public import FlowEnrichment
import FlowExpression

/// Runs every enabled rule over records in one pass and returns deduplicated alerts.
///
/// Windowed state follows event time: each key's window slides with its own newest record, and
/// keys are expired once the global watermark (newest event time minus the allowed lateness)
/// has passed them, so state stays bounded by what is active. `finish()` flushes everything
/// still open at end of input. Not thread-safe: one engine per pass, fed from one thread.
public final class DetectionEngine {
    public let rules: [CompiledRule]
    public let context: NetworkContext
    public let latenessSeconds: Int64

    private var book: AlertBook
    private let keyContext: KeyContext
    private let filters: [FlowFilter]
    /// Rule indices by kind: per record, windowed, zone policy, beaconing, exfiltration, unusual port.
    private var kindIndices: [[Int]] = Array(repeating: [], count: 6)
    private var windowStates: [[WindowKey: WindowState]]
    private var zonePolicy: [Int: ZonePolicyDetector] = [:]
    private var beaconing: [Int: BeaconingDetector] = [:]
    private var exfiltration: [Int: ExfiltrationDetector] = [:]
    private var unusualPort: [Int: UnusualPortDetector] = [:]
    private var maxEventTime = Int64.min
    private var lastSweep = Int64.min
    /// Records seen, and matches per rule (for `rules test` and statistics).
    public private(set) var records = 0
    public private(set) var matches: [Int]

    /// Native detectors a rule can name with `detector:`.
    public static let nativeDetectors = ["zone-policy", "beaconing", "exfiltration", "unusual-port"]

    public init(
        rules definitions: [RuleDefinition], context: NetworkContext, suppressions: [Suppression] = [],
        latenessSeconds: Int64 = 900
    ) throws(FlowLensError) {
        self.context = context
        self.latenessSeconds = latenessSeconds
        let sets = context.namedSets
        var compiled: [CompiledRule] = []
        for definition in definitions where definition.enabled {
            compiled.append(try CompiledRule(definition, sets: sets))
        }
        rules = compiled
        filters = compiled.map(\.filter)
        book = AlertBook(suppressions: suppressions)
        keyContext = KeyContext(zoneNames: context.zones.map(\.name), zoneSets: context.zones.map(\.networks))
        windowStates = Array(repeating: [:], count: compiled.count)
        matches = Array(repeating: 0, count: compiled.count)
        for (index, rule) in compiled.enumerated() {
            switch rule.definition.detector {
            case nil: kindIndices[rule.definition.aggregate != nil ? 1 : 0].append(index)
            case "zone-policy":
                kindIndices[2].append(index)
                zonePolicy[index] = ZonePolicyDetector(context: context)
            case "beaconing":
                kindIndices[3].append(index)
                beaconing[index] = BeaconingDetector(rule: rule)
            case "exfiltration":
                kindIndices[4].append(index)
                exfiltration[index] = ExfiltrationDetector(rule: rule)
            case "unusual-port":
                kindIndices[5].append(index)
                unusualPort[index] = UnusualPortDetector(rule: rule)
            case let other?:
                throw FlowLensError(
                    .badConfig,
                    "rule \(rule.definition.id): unknown detector '\(other)' (known: \(Self.nativeDetectors.joined(separator: ", ")))",
                    location: rule.definition.origin)
            }
        }
    }

    public func process(_ batch: FlowBatch) {
        records += batch.records.count
        // Rule by rule over the whole batch: each filter runs in one tight loop over records read
        // in place, and rules are independent, so the order in which their matches are handled
        // does not change any result.
        for kind in 0..<6 {
            for index in kindIndices[kind] {
                let hits = filters[index].matchingIndices(in: batch.records)
                for hit in hits { matched(kind: kind, index: index, batch.records[hit]) }
            }
        }
        sweepIfDue()
    }

    public func process(_ record: FlowRecord) {
        var batch = FlowBatch(capacity: 1)
        batch.records.append(record)
        process(batch)
    }

    private func matched(kind: Int, index: Int, _ record: FlowRecord) {
        matches[index] += 1
        let facts = RecordFacts(record)
        if facts.time > maxEventTime { maxEventTime = facts.time }
        switch kind {
        case 0: raiseRecordAlert(rules[index], record, facts)
        case 1: updateWindow(index, rules[index], record, facts)
        case 2: zonePolicy[index]?.observe(record, facts, rules[index], &book)
        case 3: beaconing[index]?.observe(record, facts)
        case 4: exfiltration[index]?.observe(record, facts, &book)
        default: unusualPort[index]?.observe(record, facts, &book)
        }
    }

    /// Flushes all open state and returns every alert, most severe first, then by time.
    public func finish() -> [Alert] {
        for index in kindIndices[3] { beaconing[index]?.evaluateAll(&book) }
        for index in kindIndices[4] { exfiltration[index]?.closeAll(&book) }
        return book.alerts.sorted {
            if $0.severity != $1.severity { return $0.severity > $1.severity }
            if $0.firstSeen != $1.firstSeen { return $0.firstSeen < $1.firstSeen }
            return $0.dedupKey < $1.dedupKey
        }
    }

    /// Alerts dropped by `suppress:` entries.
    public var suppressedCount: Int { book.suppressed }

    /// Entries held in windowed and native state: the measure of "state stays bounded".
    public var stateSize: Int {
        windowStates.reduce(0) { $0 + $1.values.reduce(0) { $0 + 1 + $1.approximateSize } }
            + beaconing.values.reduce(0) { $0 + $1.stateSize } + exfiltration.values.reduce(0) { $0 + $1.stateSize }
            + unusualPort.values.reduce(0) { $0 + $1.stateSize }
    }

    private func raiseRecordAlert(_ rule: CompiledRule, _ record: FlowRecord, _ facts: RecordFacts) {
        let key = dedupKey(rule.dedupFields, record, facts)
        let port: UInt16? = facts.hasPorts ? facts.servicePort : nil
        book.raise(
            rule: rule, key: key, time: facts.time, src: facts.initiator, dst: facts.responder, dstPort: port, count: 1,
            addCount: true, bytes: record.bytes, packets: record.packets, interface: record.interfaceID,
            severity: rule.severity(for: record)
        ) {
            var evidence: [String: EvidenceValue] = [:]
            evidence["protocol"] = .text(IPProtocolNames.name(record.proto))
            if let action = record.action { evidence["action"] = .text(action.name) }
            if record.has(.tcpFlags) { evidence["tcp_flags"] = .number(Double(record.tcpFlags)) }
            if let zone = context.zoneName(of: facts.responder) { evidence["responder_zone"] = .text(zone) }
            if let zone = context.zoneName(of: facts.initiator) { evidence["initiator_zone"] = .text(zone) }
            return evidence
        }
    }

    private func updateWindow(_ index: Int, _ rule: CompiledRule, _ record: FlowRecord, _ facts: RecordFacts) {
        guard let aggregate = rule.definition.aggregate else { return }
        let key = WindowKey.make(aggregate.by, record, facts, keyContext)
        let state: WindowState
        if let existing = windowStates[index][key] {
            state = existing
        } else {
            state = WindowState()
            windowStates[index][key] = state
        }
        state.bytes &+= record.bytes
        state.packets &+= record.packets
        if state.interface == .empty { state.interface = record.interfaceID }
        var amount: UInt64 = 1
        var value: IPAddress?
        switch aggregate.measure {
        case .count: amount = 1
        case .sum(let field), .rate(let field): amount = field == .bytes ? record.bytes : record.packets
        case .distinct(let field): value = WindowKey.value(field, record, facts, keyContext)
        }
        let measure = state.add(
            time: facts.time, amount: amount, value: value, window: aggregate.windowSeconds, measure: aggregate.measure,
            threshold: aggregate.threshold)
        if let alertIndex = state.alertIndex, facts.time - book.alerts[alertIndex].firstSeen <= rule.definition.dedupSeconds {
            book.touch(alertIndex, time: facts.time, bytes: record.bytes, packets: record.packets)
            if Int(measure) > book.alerts[alertIndex].count { updateCount(alertIndex, Int(measure), state, aggregate) }
            return
        }
        guard measure >= aggregate.threshold else { return }
        // Floods are many small packets; a rule can refuse to fire on full-size bulk transfers.
        if let maxMean = rule.definition.parameters["max_mean_packet_bytes"], state.packets > 0,
            Double(state.bytes) / Double(state.packets) > maxMean
        {
            return
        }
        let keyText = describe(key, aggregate.by)
        let src = addressFor(aggregate.by, key, preferring: [.initiator, .src, .srcaddr])
        let dst = addressFor(aggregate.by, key, preferring: [.responder, .dst, .dstaddr])
        var port: UInt16?
        if let position = aggregate.by.firstIndex(where: { $0 == .servicePort || $0 == .dstport }) {
            port = UInt16(truncatingIfNeeded: [key.a, key.b, key.c][position].low)
        }
        let bytes = state.bytes
        let packets = state.packets
        state.alertIndex = book.raise(
            rule: rule, key: keyText, time: state.windowStart, src: src, dst: dst, dstPort: port, count: Int(measure),
            addCount: false, bytes: bytes, packets: packets, interface: state.interface,
            severity: rule.severity(for: record)
        ) { evidence(for: state, aggregate, measure: measure) }
        if let alertIndex = state.alertIndex { book.touch(alertIndex, time: facts.time, bytes: 0, packets: 0) }
    }

    /// Raises an open alert's count; the sampled values are refreshed only when the count has
    /// doubled, since sorting them on every record of a long scan would cost more than the scan.
    private func updateCount(_ alertIndex: Int, _ count: Int, _ state: WindowState, _ aggregate: Aggregation) {
        var evidence = book.alerts[alertIndex].evidence
        if count >= 2 * book.alerts[alertIndex].count {
            for (k, v) in self.evidence(for: state, aggregate, measure: Double(count)) { evidence[k] = v }
        } else {
            evidence["measure"] = .number(Double(count))
        }
        book.replaceCount(alertIndex, count, evidence)
    }

    private func evidence(for state: WindowState, _ aggregate: Aggregation, measure: Double) -> [String: EvidenceValue] {
        var evidence: [String: EvidenceValue] = [
            "window_seconds": .number(Double(aggregate.windowSeconds)), "threshold": .number(aggregate.threshold),
            "measure": .number((measure * 100).rounded() / 100),
        ]
        if case .distinct(let field) = aggregate.measure {
            let values = state.distinct.keys.sorted().prefix(25).map {
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

    private func describe(_ key: WindowKey, _ fields: [KeyField]) -> String {
        let values = [key.a, key.b, key.c]
        return fields.enumerated().map { WindowKey.render(values[$0.offset], as: $0.element, context: keyContext) }
            .joined(separator: "|")
    }

    private func dedupKey(_ fields: [KeyField], _ record: FlowRecord, _ facts: RecordFacts) -> String {
        let key = WindowKey.make(fields, record, facts, keyContext)
        return describe(key, fields)
    }

    /// Drops window state that no future record within the lateness allowance can extend.
    private func sweepIfDue() {
        guard maxEventTime != Int64.min, lastSweep == Int64.min || maxEventTime - lastSweep >= 300 else { return }
        lastSweep = maxEventTime
        let watermark = maxEventTime - latenessSeconds
        for index in kindIndices[1] {
            guard let window = rules[index].definition.aggregate?.windowSeconds else { continue }
            let horizon = watermark - window
            windowStates[index] = windowStates[index].filter { $0.value.maxTime >= horizon }
        }
        for index in kindIndices[3] { beaconing[index]?.expire(before: watermark, &book) }
        for index in kindIndices[4] { exfiltration[index]?.close(before: watermark, &book) }
    }
}
