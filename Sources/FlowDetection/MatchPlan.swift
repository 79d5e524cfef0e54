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
    /// The rules of each step, concatenated in walk order.
    private var ruleOrder: [Int] = []
    /// Every rule, in the order ``run(_:_:)`` reports them.
    private var order: [Int] = []
    /// Rules with no condition at all: they match every record.
    private var rootRules: Set<Int> = []
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

    /// Calls `body` once per rule with at least one match, with the indices of its matching
    /// records in order.
    ///
    /// Record by record: each record walks the tree once while its cache lines are loaded.
    /// Filtering the whole batch node by node read every record again for every node, and a batch
    /// of records (a few MB) does not stay in cache, so each node paid a memory load per record
    /// that its test itself hardly cost. Rules are reported in the tree's depth-first order, as
    /// before, so their matches reach the engine in the same order.
    func run(_ records: [FlowRecord], _ body: (_ rule: Int, _ hits: [Int]) -> Void) {
        guard !records.isEmpty else { return }
        var hits = Array(repeating: [Int](), count: ruleCount)
        let code = native.code
        records.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            walk.withUnsafeBufferPointer { steps in
                for index in 0..<buffer.count {
                    let reading = RecordReading(base + index)
                    var step = 0
                    while step < steps.count {
                        let entry = steps[step].entry
                        let passed =
                            entry >= 0 ? code.matches(entry, reading) : fallbacks[Int(-entry - 1)].matches(base + index)
                        if passed {
                            for position in steps[step].rules { hits[ruleOrder[position]].append(index) }
                            step += 1
                        } else {
                            step = steps[step].subtreeEnd
                        }
                    }
                }
            }
        }
        let everything = Array(records.indices)
        for rule in order {
            if rootRules.contains(rule) {
                body(rule, everything)
            } else if !hits[rule].isEmpty {
                body(rule, hits[rule])
            }
        }
    }

    /// One node of the tree in depth-first order: where its condition's code starts (or, below
    /// zero, `-1 - i` for the i-th `FlowFilter` fallback), the rules that end there (a range of
    /// ``ruleOrder``), and the position after its subtree, where the walk goes when it fails.
    private struct Step {
        var entry: Int32
        var rules: Range<Int>
        var subtreeEnd: Int
    }

    /// Lays out the nodes below the root in depth-first order, compiles their conditions, and
    /// fixes the order in which rules are reported.
    private mutating func layOut(sets: [String: CIDRSet]) {
        var steps: [Step] = []
        var reported: [Int] = nodes[0].rules
        var stepRules: [Int] = []
        var fallbackFilters: [FlowFilter] = []
        let native = NativeConditions()
        func place(_ index: Int) {
            guard let filter = nodes[index].filter, let term = nodes[index].term else { return }
            let entry: Int32
            if let compiled = native.compile(term, sets: sets) {
                entry = compiled
            } else {
                fallbackFilters.append(filter)
                entry = Int32(-fallbackFilters.count)
            }
            let position = steps.count
            steps.append(Step(entry: entry, rules: stepRules.count..<stepRules.count + nodes[index].rules.count, subtreeEnd: 0))
            stepRules += nodes[index].rules
            reported += nodes[index].rules
            for child in nodes[index].children { place(child) }
            steps[position].subtreeEnd = steps.count
        }
        for child in nodes[0].children { place(child) }
        native.seal()
        self.native = native
        walk = steps
        ruleOrder = stepRules
        fallbacks = fallbackFilters
        order = reported
        rootRules = Set(nodes[0].rules)
    }

    /// Conditions the native code does not cover, for tests: zero for the built-in rules.
    var fallbackCount: Int { fallbacks.count }

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
