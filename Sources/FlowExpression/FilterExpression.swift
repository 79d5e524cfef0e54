public import FlowCore

/// The parsed form of a filter expression: a tree of comparisons joined by `and`, `or` and `not`.
///
/// Parsing checks names and types, so every ``Comparison`` here is well-typed for its subject.
/// Set names (`$internal`) are kept by name and resolved when a ``FlowFilter`` is built. The
/// ``description`` prints the expression back in a normal form that parses to the same tree.
public indirect enum FilterExpression: Hashable, Sendable, CustomStringConvertible {
    case comparison(Comparison)
    /// The subject has a value (`exists pkt-srcaddr`).
    case exists(Subject)
    /// `request` or `response`: which end of the connection sent the record's packets.
    case sense(FlowSense)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)

    /// Parses an expression.
    ///
    /// - Parameters:
    ///   - text: The expression, such as `dstport in (22, 3389) and action = ACCEPT`.
    ///   - knownSets: When given, `$name` references outside it are reported here, with their
    ///     column; when `nil` they are checked only when a ``FlowFilter`` is built.
    /// - Throws: ``FlowLensError`` with code `.badExpression`, naming the problem and its column
    ///   and quoting the expression with a caret under the spot.
    public init(parsing text: String, knownSets: Set<String>? = nil) throws(FlowLensError) {
        do throws(ExpressionError) {
            self = try Parser.parse(text, knownSets: knownSets)
        } catch {
            throw error.flowLensError(source: text)
        }
    }

    /// Every stored field the expression reads; a pseudo-field contributes the fields behind it.
    public var fieldsUsed: Set<FlowField> {
        var fields = Set<FlowField>()
        visit { expression in
            switch expression {
            case .comparison(let comparison): fields.formUnion(comparison.subject.fields)
            case .exists(let subject): fields.formUnion(subject.fields)
            case .sense: fields.formUnion(Accessor.initiator.fields)
            default: break
            }
        }
        return fields
    }

    /// Names of the sets referenced, without `$`.
    public var setsUsed: Set<String> {
        var names = Set<String>()
        visit { expression in
            guard case .comparison(let comparison) = expression else { return }
            for case .set(let name) in comparison.values { names.insert(name) }
        }
        return names
    }

    /// Every comparison, left to right.
    public var comparisons: [Comparison] {
        var found: [Comparison] = []
        visit { if case .comparison(let comparison) = $0 { found.append(comparison) } }
        return found
    }

    /// Calls `body` for this node and every node below it, parents first, left to right.
    public func visit(_ body: (FilterExpression) -> Void) {
        body(self)
        switch self {
        case .comparison, .exists, .sense: break
        case .and(let left, let right), .or(let left, let right):
            left.visit(body)
            right.visit(body)
        case .not(let inner): inner.visit(body)
        }
    }

    public var description: String {
        switch self {
        case .comparison(let comparison): comparison.description
        case .exists(let subject): "exists \(subject)"
        case .sense(let sense): sense.description
        case .and(let left, let right): "\(left.parenthesized(below: 1)) and \(right.parenthesized(below: 1))"
        case .or(let left, let right): "\(left) or \(right)"
        case .not(let inner): inner.precedence < 3 || inner.isComparison ? "not (\(inner))" : "not \(inner)"
        }
    }

    /// 0 `or`, 1 `and`, 2 `not`, 3 atoms: binding strength, for printing minimal parentheses.
    private var precedence: Int {
        switch self {
        case .or: 0
        case .and: 1
        case .not: 2
        case .comparison, .exists, .sense: 3
        }
    }

    private var isComparison: Bool { if case .comparison = self { true } else { false } }

    private func parenthesized(below level: Int) -> String {
        precedence < level ? "(\(self))" : description
    }
}

/// The two directions of a connection, as the bare conditions `request` and `response` test them.
///
/// A record carries one direction of a connection. `response` holds when it was sent by the end
/// that accepted the connection (``FlowRecord/isResponse``), `request` when it was sent by the end
/// that opened it. Both are false on a record without an address at each end, such as `NODATA`.
public enum FlowSense: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case request
    case response

    public var description: String { rawValue }
}
