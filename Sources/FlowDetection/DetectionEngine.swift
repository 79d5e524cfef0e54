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

    @exclusivity(unchecked) private var book: AlertBook
    /// Every rule's match expression, evaluated for all rules together.
    private let plan: MatchPlan
    /// The walk's memo of masks for ``process(_:)``, kept from batch to batch.
    private let memo: MaskMemo
    /// What each rule is, by rule index: the runtime its matches go to.
    private let kinds: [Kind]
    /// By rule: its kind and its runtime, unretained (``kinds`` keeps them alive), so that
    /// handing a record to a rule costs no reference counting: it happens for every match.
    private let tags: [KindTag]
    private let runtimes: [UnsafeMutableRawPointer]
    /// By report bit of the plan (see ``BatchMatches``): the rules ending at its node, as runs
    /// of `rulesOfReport` delimited by `reportStarts`.
    private let rulesOfReport: [Int32]
    private let reportStarts: [Int32]
    /// The windowed rules, which queue records a little before applying them (see
    /// ``WindowedRule/observe(_:_:_:)``) and are flushed after every block.
    private let windowed: [WindowedRule]
    @exclusivity(unchecked) private var maxEventTime = Int64.min
    private var lastSweep = Int64.min
    /// Records seen, and matches per rule (for `rules test` and statistics).
    public private(set) var records = 0
    @exclusivity(unchecked) public private(set) var matches: [Int]

    private enum KindTag: UInt8 { case record, windowed, zonePolicy, beaconing, exfiltration, unusualPort }

    private enum Kind {
        case record(RecordRule)
        case windowed(WindowedRule)
        case zonePolicy(ZonePolicyDetector)
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
            case "zone-policy": kinds.append(.zonePolicy(ZonePolicyDetector(rule: rule, context: context)))
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
        windowed = kinds.compactMap { if case .windowed(let rule) = $0 { rule } else { nil } }
        tags = kinds.map { kind in
            switch kind {
            case .record: .record
            case .windowed: .windowed
            case .zonePolicy: .zonePolicy
            case .beaconing: .beaconing
            case .exfiltration: .exfiltration
            case .unusualPort: .unusualPort
            }
        }
        runtimes = kinds.map { kind in
            switch kind {
            case .record(let runtime): Unmanaged.passUnretained(runtime).toOpaque()
            case .windowed(let runtime): Unmanaged.passUnretained(runtime).toOpaque()
            case .zonePolicy(let runtime): Unmanaged.passUnretained(runtime).toOpaque()
            case .beaconing(let runtime): Unmanaged.passUnretained(runtime).toOpaque()
            case .exfiltration(let runtime): Unmanaged.passUnretained(runtime).toOpaque()
            case .unusualPort(let runtime): Unmanaged.passUnretained(runtime).toOpaque()
            }
        }
        // The zone-policy detector judges only records whose responder is in a protected zone:
        // its match expression gains that test, so that the others (most accepted requests, and
        // all of them when no zone is protected) are never handed to it.
        var expressions = compiled.map(\.filter.expression)
        var planSets = sets
        for (index, kind) in kinds.enumerated() {
            guard case .zonePolicy = kind else { continue }
            var name = "zone_policy_targets"
            while sets[name] != nil { name += "_" }
            planSets[name] = ZonePolicyDetector.targets(in: context)
            expressions[index] = .and(expressions[index], try FilterExpression(parsing: "responder in $\(name)"))
        }
        plan = try MatchPlan(expressions, sets: planSets)
        memo = plan.makeMemo()
        var rules: [Int32] = []
        var starts: [Int32] = [0]
        for ending in plan.rulesByReport {
            rules += ending.map { Int32($0) }
            starts.append(Int32(rules.count))
        }
        rulesOfReport = rules
        reportStarts = starts
    }

    /// Records matched and applied per block in ``process(_:)``: 256 records (80 KB) stay in a
    /// core's caches from matching to applying, where a whole batch (a few MB) did not.
    private static let blockSize = 256

    /// Applies a batch to the rules, matching and applying it block by block: both stages read
    /// the records, and the second found them in cache only when the first had just read them.
    public func process(_ batch: FlowBatch) {
        batch.records.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let block = UnsafeBufferPointer(rebasing: buffer[start..<min(start + Self.blockSize, buffer.count)])
                apply(plan.run(block, memo: memo), to: block)
                start += block.count
            }
        }
        sweepIfDue()
    }

    /// Which records of a batch each rule matches: the stateless half of ``process(_:)``.
    ///
    /// Reads only the compiled rules, so it is safe from any thread, and a caller can match the
    /// next batch while ``process(_:matches:)`` applies the previous one.
    public func findMatches(in batch: FlowBatch) -> BatchMatches {
        plan.run(batch.records)
    }

    /// Applies a batch's matches, found by ``findMatches(in:)`` for this same batch, to the rules'
    /// state. Batches must be applied in order, from one thread at a time.
    public func process(_ batch: FlowBatch, matches found: BatchMatches) {
        batch.records.withUnsafeBufferPointer { apply(found, to: $0) }
        sweepIfDue()
    }

    /// Applies the matches found for `block` to the rules' state.
    private func apply(_ found: BatchMatches, to block: UnsafeBufferPointer<FlowRecord>) {
        let count = block.count
        records += count
        for report in found.counts.indices where found.counts[report] > 0 {
            for position in Int(reportStarts[report])..<Int(reportStarts[report + 1]) {
                matches[Int(rulesOfReport[position])] += found.counts[report]
            }
        }
        let everywhere = plan.rootRules
        for rule in everywhere { matches[rule] += count }
        // Record by record, each to all the rules it matched: a record is hundreds of bytes, a
        // batch of them does not stay in cache, and going rule by rule over the batch loaded each
        // record again for every rule it matched. Rules are independent, so the order in which
        // one record reaches them does not change any result; each rule still sees its records
        // in order. Records are read in place: most rules only look at a few fields.
        let words = found.words
        guard let base = block.baseAddress else { return }
        found.reports.withUnsafeBufferPointer { reports in
            rulesOfReport.withUnsafeBufferPointer { rulesOfReport in
                reportStarts.withUnsafeBufferPointer { reportStarts in
                    for index in 0..<count {
                        let masks = reports.baseAddress.map { $0 + index * words }
                        var matched = !everywhere.isEmpty
                        if let masks { for word in 0..<words where masks[word] != 0 { matched = true } }
                        guard matched else { continue }
                        let record = base + index
                        let facts = facts(record)
                        for rule in everywhere { apply(rule, record, facts) }
                        guard let masks else { continue }
                        for word in 0..<words {
                            var mask = masks[word]
                            while mask != 0 {
                                let report = word * 64 + mask.trailingZeroBitCount
                                for position in Int(reportStarts[report])..<Int(reportStarts[report + 1]) {
                                    apply(Int(rulesOfReport[position]), record, facts)
                                }
                                mask &= mask &- 1
                            }
                        }
                    }
                }
            }
        }
        for rule in windowed { rule.flush(&book) }
    }

    public func process(_ record: FlowRecord) {
        var batch = FlowBatch(capacity: 1)
        batch.records.append(record)
        process(batch)
    }

    /// Hands one matched record to a rule's runtime.
    ///
    /// The record's facts are worked out by the caller, before the call that reads the record in
    /// place: worked out among the call's arguments, the engine's own update in between made
    /// Swift copy the whole record first.
    @inline(__always)
    private func apply(_ rule: Int, _ record: UnsafePointer<FlowRecord>, _ facts: RecordFacts) {
        let runtime = runtimes[rule]
        switch tags[rule] {
        case .record:
            Unmanaged<RecordRule>.fromOpaque(runtime)._withUnsafeGuaranteedRef { $0.observe(record, facts, &book) }
        case .windowed:
            Unmanaged<WindowedRule>.fromOpaque(runtime)._withUnsafeGuaranteedRef { $0.observe(record, facts, &book) }
        case .zonePolicy:
            Unmanaged<ZonePolicyDetector>.fromOpaque(runtime)._withUnsafeGuaranteedRef { $0.observe(record, facts, &book) }
        case .beaconing:
            Unmanaged<BeaconingDetector>.fromOpaque(runtime)._withUnsafeGuaranteedRef { $0.observe(record, facts) }
        case .exfiltration:
            Unmanaged<ExfiltrationDetector>.fromOpaque(runtime)._withUnsafeGuaranteedRef { $0.observe(record, facts, &book) }
        case .unusualPort:
            Unmanaged<UnusualPortDetector>.fromOpaque(runtime)._withUnsafeGuaranteedRef { $0.observe(record, facts, &book) }
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
