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
/// end.
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

    /// - Parameters:
    ///   - expressions: Each rule's match expression, by rule index.
    ///   - sets: The named sets the expressions were compiled against.
    init(_ expressions: [FilterExpression], sets: [String: CIDRSet]) throws(FlowLensError) {
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
    }

    /// Calls `body` once per rule with at least one match, with the indices of its matching
    /// records in order.
    func run(_ records: [FlowRecord], _ body: (_ rule: Int, _ hits: [Int]) -> Void) {
        let everything = Array(records.indices)
        for rule in nodes[0].rules where !everything.isEmpty { body(rule, everything) }
        records.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for child in nodes[0].children {
                // The first level reads the whole batch in the filter's own tight loop.
                guard let filter = nodes[child].filter else { continue }
                visit(child, filter.matchingIndices(in: records), base, body)
            }
        }
    }

    private func visit(
        _ index: Int, _ passed: [Int], _ base: UnsafePointer<FlowRecord>, _ body: (Int, [Int]) -> Void
    ) {
        guard !passed.isEmpty else { return }
        let node = nodes[index]
        for rule in node.rules { body(rule, passed) }
        for child in node.children {
            guard let filter = nodes[child].filter else { continue }
            var kept: [Int] = []
            kept.reserveCapacity(passed.count)
            for record in passed where filter.matches(base + record) { kept.append(record) }
            visit(child, kept, base, body)
        }
    }

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
