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
    /// Every rule's match expression, evaluated for all rules together.
    private let plan: MatchPlan
    /// What each rule is, by rule index: the runtime its matches go to.
    private let kinds: [Kind]
    private var maxEventTime = Int64.min
    private var lastSweep = Int64.min
    /// Records seen, and matches per rule (for `rules test` and statistics).
    public private(set) var records = 0
    public private(set) var matches: [Int]

    private enum Kind {
        case record(RecordRule)
        case windowed(WindowedRule)
        case zonePolicy(CompiledRule, ZonePolicyDetector)
        case beaconing(BeaconingDetector)
        case exfiltration(ExfiltrationDetector)
        case unusualPort(UnusualPortDetector)
    }

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
        book = AlertBook(suppressions: suppressions)
        let keyContext = KeyContext(zoneNames: context.zones.map(\.name), zoneSets: context.zones.map(\.networks))
        matches = Array(repeating: 0, count: compiled.count)
        var kinds: [Kind] = []
        for rule in compiled {
            switch rule.definition.detector {
            case nil:
                if let aggregate = rule.definition.aggregate {
                    kinds.append(.windowed(WindowedRule(rule: rule, aggregate: aggregate, keyContext: keyContext)))
                } else {
                    kinds.append(.record(RecordRule(rule: rule, context: context, keyContext: keyContext)))
                }
            case "zone-policy": kinds.append(.zonePolicy(rule, ZonePolicyDetector(context: context)))
            case "beaconing": kinds.append(.beaconing(BeaconingDetector(rule: rule)))
            case "exfiltration": kinds.append(.exfiltration(ExfiltrationDetector(rule: rule)))
            case "unusual-port": kinds.append(.unusualPort(UnusualPortDetector(rule: rule)))
            case let other?:
                throw FlowLensError(
                    .badConfig,
                    "rule \(rule.definition.id): unknown detector '\(other)' (known: \(Self.nativeDetectors.joined(separator: ", ")))",
                    location: rule.definition.origin)
            }
        }
        self.kinds = kinds
        plan = try MatchPlan(compiled.map(\.filter.expression), sets: sets)
    }

    public func process(_ batch: FlowBatch) {
        process(batch, matches: findMatches(in: batch))
    }

    /// Which records of a batch each rule matches: the stateless half of ``process(_:)``.
    ///
    /// Reads only the compiled rules, so it is safe from any thread, and a caller can match the
    /// next batch while ``process(_:matches:)`` applies the previous one.
    public func findMatches(in batch: FlowBatch) -> BatchMatches {
        var found = BatchMatches()
        plan.run(batch.records) { rule, hits in found.hits.append((rule, hits)) }
        return found
    }

    /// Applies a batch's matches, found by ``findMatches(in:)`` for this same batch, to the rules'
    /// state. Batches must be applied in order, from one thread at a time.
    public func process(_ batch: FlowBatch, matches found: BatchMatches) {
        records += batch.records.count
        // Rule by rule over the whole batch: rules are independent, so the order in which their
        // matches are handled does not change any result. Records are read in place: a record
        // is hundreds of bytes and most rules only look at a few fields.
        batch.records.withUnsafeBufferPointer { buffer in
            for (index, hits) in found.hits {
                matches[index] += hits.count
                dispatch(kinds[index], hits, buffer)
            }
        }
        sweepIfDue()
    }

    public func process(_ record: FlowRecord) {
        var batch = FlowBatch(capacity: 1)
        batch.records.append(record)
        process(batch)
    }

    /// Hands a rule's matches to its runtime, choosing the runtime once per batch.
    ///
    /// A record's facts are worked out before the call that reads the record in place: worked
    /// out among the call's arguments, the engine's own update in between made Swift copy the
    /// whole record first.
    private func dispatch(_ kind: Kind, _ hits: [Int], _ records: UnsafeBufferPointer<FlowRecord>) {
        guard let base = records.baseAddress else { return }
        switch kind {
        case .record(let rule):
            for hit in hits {
                let facts = facts(base + hit)
                rule.observe(base + hit, facts, &book)
            }
        case .windowed(let rule):
            for hit in hits {
                let facts = facts(base + hit)
                rule.observe(base + hit, facts, &book)
            }
        case .zonePolicy(let rule, let detector):
            for hit in hits {
                let facts = facts(base + hit)
                detector.observe(base + hit, facts, rule, &book)
            }
        case .beaconing(let detector):
            for hit in hits {
                let facts = facts(base + hit)
                detector.observe(base + hit, facts)
            }
        case .exfiltration(let detector):
            for hit in hits {
                let facts = facts(base + hit)
                detector.observe(base + hit, facts, &book)
            }
        case .unusualPort(let detector):
            for hit in hits {
                let facts = facts(base + hit)
                detector.observe(base + hit, facts, &book)
            }
        }
    }

    /// A matched record's facts; matched records also move the watermark.
    @inline(__always)
    private func facts(_ record: UnsafePointer<FlowRecord>) -> RecordFacts {
        let facts = RecordFacts(at: record)
        if facts.time > maxEventTime { maxEventTime = facts.time }
        return facts
    }

    /// Flushes all open state and returns every alert, most severe first, then by time.
    public func finish() -> [Alert] {
        for kind in kinds {
            if case .beaconing(let detector) = kind { detector.evaluateAll(&book) }
            if case .exfiltration(let detector) = kind { detector.closeAll(&book) }
        }
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
        kinds.reduce(0) { total, kind in
            switch kind {
            case .windowed(let windowed): total + windowed.stateSize
            case .beaconing(let detector): total + detector.stateSize
            case .exfiltration(let detector): total + detector.stateSize
            case .unusualPort(let detector): total + detector.stateSize
            case .record, .zonePolicy: total
            }
        }
    }

    /// Drops window state that no future record within the lateness allowance can extend.
    private func sweepIfDue() {
        guard maxEventTime != Int64.min, lastSweep == Int64.min || maxEventTime - lastSweep >= 300 else { return }
        lastSweep = maxEventTime
        let watermark = maxEventTime - latenessSeconds
        for kind in kinds {
            switch kind {
            case .windowed(let windowed): windowed.expire(before: watermark)
            case .beaconing(let detector): detector.expire(before: watermark, &book)
            case .exfiltration(let detector): detector.close(before: watermark, &book)
            case .record, .zonePolicy, .unusualPort: break
            }
        }
    }
}

/// The records of one batch that each rule matched, as ``DetectionEngine/findMatches(in:)`` found them.
public struct BatchMatches: Sendable {
    /// (rule index, indices of matching records in order), for rules with at least one match.
    var hits: [(Int, [Int])] = []

    /// No matches yet.
    public init() {}
}
