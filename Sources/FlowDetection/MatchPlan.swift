import CMemory
import FlowCore
import FlowExpression

/// Evaluates every rule's `match:` expression over a batch, testing a condition that several
/// rules share once for all of them.
///
/// Most built-in rules are conjunctions over the same few conditions (`request`, `initiator in
/// $internal`, `responder not in $internal`, the NAT exclusion), and filtering the batch once per
/// rule re-tested them for every rule. Here each expression is split into its top-level `and`
/// terms, the terms are ordered so that the ones most rules share come first, and the rules
/// form a tree: a node tests one term (or a chain of terms no other rule shares) on the records
/// that passed its parent. A rule's matches are the records that pass the node where its terms
/// end. Each record walks the tree once, its terms evaluated by ``NativeConditions``.
///
/// Terms are pure predicates over one record, and a test of an absent field is false rather
/// than unknown, so `a and b` holds exactly when `a` holds and `b` holds: splitting and
/// reordering the terms changes the cost, never the set of matches.
struct MatchPlan {
    private struct Node {
        var term: FilterExpression?
        var filter: FlowFilter?
        var children: [Int] = []
        /// Rules whose expression is exactly the path from the root to this node.
        var rules: [Int] = []
    }

    private var nodes: [Node] = [Node(term: nil)]
    private var walk: [Step] = []
    private var native = NativeConditions()
    private var fallbacks: [FlowFilter] = []
    /// Steps where rules end, each with a bit of a record's report mask.
    private var reportCount = 0
    /// Words of a record's report mask.
    private var reportWords = 1
    /// By rule: its report bit (-1 for rules without a condition).
    private var reportOfRule: [Int] = []
    /// Rules with no condition at all: they match every record.
    private(set) var rootRules: [Int] = []
    /// By report bit: the rules that end at its node, in the order the engine applies them.
    private(set) var rulesByReport: [[Int]] = []
    private let ruleCount: Int

    /// - Parameters:
    ///   - expressions: Each rule's match expression, by rule index.
    ///   - sets: The named sets the expressions were compiled against.
    init(_ expressions: [FilterExpression], sets: [String: CIDRSet]) throws(FlowLensError) {
        ruleCount = expressions.count
        let termLists = expressions.map { Self.terms(of: $0) }
        // How many rules test each term: shared terms go first so that rules share a prefix.
        var sharing: [FilterExpression: Int] = [:]
        for terms in termLists {
            for term in Set(terms) { sharing[term, default: 0] += 1 }
        }
        for (rule, terms) in termLists.enumerated() {
            var unique: [FilterExpression] = []
            for term in terms where !unique.contains(term) { unique.append(term) }
            let ordered = unique.enumerated().sorted { lhs, rhs in
                let left = sharing[lhs.element, default: 0]
                let right = sharing[rhs.element, default: 0]
                return left != right ? left > right : lhs.offset < rhs.offset
            }.map(\.element)
            var node = 0
            for term in ordered {
                if let child = nodes[node].children.first(where: { nodes[$0].term == term }) {
                    node = child
                } else {
                    nodes.append(Node(term: term))
                    nodes[node].children.append(nodes.count - 1)
                    node = nodes.count - 1
                }
            }
            nodes[node].rules.append(rule)
        }
        mergeChains(0)
        for index in nodes.indices.dropFirst() {
            guard let term = nodes[index].term else { continue }
            nodes[index].filter = try FlowFilter(term, sets: sets)
        }
        layOut(sets: sets)
    }

    /// Which records of a batch each rule matches.
    ///
    /// Record by record: each record walks the tree once while its cache lines are loaded.
    /// Filtering the whole batch node by node read every record again for every node, and a batch
    /// of records (a few MB) does not stay in cache, so each node paid a memory load per record
    /// that its test itself hardly cost. The walk marks the nodes where rules end in the record's
    /// mask of reports, which the engine reads record by record (see ``rulesByReport``).
    ///
    /// When every condition is native and the distinct tests fit one atom mask, a record's walk
    /// depends only on that mask, and records with the same mask (most of a batch repeats a few
    /// hundred) reuse the reports of the first: see ``NativeAtoms``.
    func run(_ records: [FlowRecord]) -> BatchMatches {
        records.withUnsafeBufferPointer { run($0, memo: makeMemo()) }
    }

    /// A memo of masks for ``run(_:memo:)``, sized for this plan's reports.
    func makeMemo() -> MaskMemo { MaskMemo(words: reportWords) }

    /// Which of `records` each rule matches, with the reports of masks seen before taken from
    /// `memo` (which the call also fills).
    func run(_ records: UnsafeBufferPointer<FlowRecord>, memo: MaskMemo) -> BatchMatches {
        var found = BatchMatches()
        found.words = reportWords
        found.counts = Array(repeating: 0, count: reportCount)
        let count = records.count
        guard let base = records.baseAddress, count > 0 else { return found }
        let words = reportWords
        let code = native.code
        found.reports = [UInt64](repeating: 0, count: count * words)
        found.reports.withUnsafeMutableBufferPointer { reports in
            guard let out = reports.baseAddress else { return }
            walk.withUnsafeBufferPointer { steps in
                if let atoms = code.atoms, fallbacks.isEmpty {
                    Self.walkByMasks(base, count, atoms, code, steps, words, out, memo)
                } else {
                    for index in 0..<count {
                        walkTesting(base + index, code, steps, out + index * words)
                    }
                }
            }
            found.counts.withUnsafeMutableBufferPointer { counts in
                for word in 0..<reports.count {
                    var mask = reports[word]
                    let offset = (word % words) * 64
                    while mask != 0 {
                        counts[offset + mask.trailingZeroBitCount] += 1
                        mask &= mask &- 1
                    }
                }
            }
        }
        return found
    }

    /// Records ahead of the walk whose first lines are prefetched.
    static let prefetchDistance = 4
    /// The last byte of a record that the atoms read (the end of `dstaddr`; the packet-level
    /// addresses, far after it, are in few formats).
    static let lastByteRead = MemoryLayout<FlowRecord>.offset(of: \FlowRecord.dstaddr)! + MemoryLayout<IPAddress>.size - 1

    /// The walk for plans whose tests all fit one atom mask, with the reports of recent masks
    /// remembered in `memo`.
    private static func walkByMasks(
        _ base: UnsafePointer<FlowRecord>, _ count: Int, _ atoms: NativeAtoms, _ code: NativeCode,
        _ steps: UnsafeBufferPointer<Step>, _ words: Int, _ out: UnsafeMutablePointer<UInt64>, _ memo: MaskMemo
    ) {
        let slotBits = MaskMemo.slotBits
        let keys = memo.keys
        let known = memo.reports
        let lastByteRead = Self.lastByteRead
        for index in 0..<count {
            // The records were decoded on another core: their first load here misses, and a
            // third of the walk's samples sat on it. The lines of a record a few ahead start
            // loading now (a prefetch past the buffer's end is harmless: it never faults): the
            // fields the atoms read span two or three lines, as records are not line-aligned.
            let ahead = UnsafeRawPointer(base + (index + Self.prefetchDistance))
            flowlens_prefetch_for_read(ahead)
            flowlens_prefetch_for_read(ahead + 64)
            flowlens_prefetch_for_read(ahead + lastByteRead)
            let bits = atoms.bits(RecordReading(base + index), code)
            let slot = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slotBits))
            let reports = out + index * words
            let remembered = known + slot * words
            if keys[slot] == bits {
                for word in 0..<words { reports[word] = remembered[word] }
                continue
            }
            var step = 0
            while step < steps.count {
                if code.matches(steps[step].entry, bits: bits) {
                    let report = steps[step].report
                    if report >= 0 { reports[report >> 6] |= 1 &<< UInt64(report & 63) }
                    step += 1
                } else {
                    step = steps[step].subtreeEnd
                }
            }
            keys[slot] = bits
            for word in 0..<words { remembered[word] = reports[word] }
        }
    }

    /// The walk for any plan: tests evaluated as the walk meets them, `FlowFilter` for the
    /// conditions native code does not cover.
    @inline(__always)
    private func walkTesting(
        _ record: UnsafePointer<FlowRecord>, _ code: NativeCode, _ steps: UnsafeBufferPointer<Step>,
        _ reports: UnsafeMutablePointer<UInt64>
    ) {
        let reading = RecordReading(record)
        var step = 0
        while step < steps.count {
            let entry = steps[step].entry
            let passed = entry >= 0 ? code.matches(entry, reading) : fallbacks[Int(-entry - 1)].matches(record)
            if passed {
                let report = steps[step].report
                if report >= 0 { reports[report >> 6] |= 1 &<< UInt64(report & 63) }
                step += 1
            } else {
                step = steps[step].subtreeEnd
            }
        }
    }

    /// The records `rule` matched in a batch of `count` records, in order, for tests.
    func records(ofRule rule: Int, in found: BatchMatches, count: Int) -> [Int] {
        if rootRules.contains(rule) { return Array(0..<count) }
        let report = reportOfRule[rule]
        return (0..<count).filter { found.reports[$0 * found.words + report / 64] & (1 << UInt64(report % 64)) != 0 }
    }

    /// One node of the tree in depth-first order: where its condition's code starts (or, below
    /// zero, `-1 - i` for the i-th `FlowFilter` fallback), the bit of the record's report mask
    /// that marks it passed when rules end there (-1 when none do), and the position after its
    /// subtree, where the walk goes when it fails.
    private struct Step {
        var entry: Int32
        var report: Int
        var subtreeEnd: Int
    }

    /// Lays out the nodes below the root in depth-first order, compiles their conditions, and
    /// fixes the order in which rules are reported.
    private mutating func layOut(sets: [String: CIDRSet]) {
        var steps: [Step] = []
        var rulesByReport: [[Int]] = []
        var reportOfRule = Array(repeating: -1, count: ruleCount)
        var reports = 0
        var fallbackFilters: [FlowFilter] = []
        let native = NativeConditions()
        // The entries of the conditions a record that is not a request can reach: those outside
        // every subtree whose root requires `request`.
        var reachableByOthers: [Int32] = []
        func place(_ index: Int, underRequest: Bool) {
            guard let filter = nodes[index].filter, let term = nodes[index].term else { return }
            let entry: Int32
            if let compiled = native.compile(term, sets: sets) {
                entry = compiled
            } else {
                fallbackFilters.append(filter)
                entry = Int32(-fallbackFilters.count)
            }
            let position = steps.count
            var report = -1
            if !nodes[index].rules.isEmpty {
                report = reports
                reports += 1
                for rule in nodes[index].rules { reportOfRule[rule] = report }
                rulesByReport.append(nodes[index].rules)
            }
            steps.append(Step(entry: entry, report: report, subtreeEnd: 0))
            // A conjunction with `request` is false for every other record, whatever its other
            // terms, and the walk then skips the node's subtree.
            let requiresRequest = underRequest || Self.terms(of: term).contains(.sense(.request))
            if !requiresRequest { reachableByOthers.append(entry) }
            for child in nodes[index].children { place(child, underRequest: requiresRequest) }
            steps[position].subtreeEnd = steps.count
        }
        for child in nodes[0].children { place(child, underRequest: false) }
        native.seal()
        if fallbackFilters.isEmpty {
            native.evaluateForOthersOnly(native.atoms(reachableFrom: reachableByOthers))
        }
        self.native = native
        walk = steps
        self.reportOfRule = reportOfRule
        reportCount = reports
        reportWords = max(1, (reports + 63) / 64)
        fallbacks = fallbackFilters
        self.rulesByReport = rulesByReport
        rootRules = nodes[0].rules
    }

    /// Conditions the native code does not cover, for tests: zero for the built-in rules.
    var fallbackCount: Int { fallbacks.count }

    /// Whether records are matched through their atom masks (see ``NativeAtoms``), for tests.
    var usesAtomMasks: Bool { native.code.atoms != nil && fallbacks.isEmpty }

    /// Whether IPv4 address lookups go through the /16 prefix table, for tests.
    var usesAddressTable: Bool { native.code.atoms?.hasAddressTable ?? false }

    /// Whether the service-port tests are answered by the port class table, for tests.
    var usesPortTable: Bool { native.code.atoms?.hasPortTable ?? false }

    /// Words of a record's report mask, for tests: more than one past 64 nodes where rules end.
    var reportMaskWords: Int { reportWords }

    /// Folds a node with one child and no rule of its own into that child, so that a chain of
    /// terms only one rule tests runs as one compiled filter.
    private mutating func mergeChains(_ index: Int) {
        if index != 0 {
            while nodes[index].rules.isEmpty && nodes[index].children.count == 1 {
                let child = nodes[index].children[0]
                if let term = nodes[index].term, let next = nodes[child].term {
                    nodes[index].term = .and(term, next)
                }
                nodes[index].rules = nodes[child].rules
                nodes[index].children = nodes[child].children
                nodes[child].term = nil
                nodes[child].children = []
                nodes[child].rules = []
            }
        }
        for child in nodes[index].children { mergeChains(child) }
    }

    /// The top-level `and` terms of an expression, left to right.
    static func terms(of expression: FilterExpression) -> [FilterExpression] {
        if case .and(let left, let right) = expression { return terms(of: left) + terms(of: right) }
        return [expression]
    }

    /// Number of filters a batch runs through at most, for tests: fewer than rules when they share.
    var filterCount: Int { nodes.count { $0.filter != nil } }
}
