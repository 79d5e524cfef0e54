public import FlowCore

/// A compiled filter expression: parse once, then test millions of records cheaply.
///
/// ```swift
/// let filter = try FlowFilter("dstport in (22, 3389) and action = ACCEPT and src not in $internal",
///                             sets: ["internal": internalNetworks])
/// if filter.matches(record) { ... }
/// let hits = filter.matchingIndices(in: batch.records)   // no per-record copies
/// ```
///
/// A test of an absent field (`-` in the log) is false whatever the operator, `!=` and `not in`
/// included; `not (...)` inverts the whole test, so `not (dstport = 22)` is true when `dstport`
/// is absent. `exists FIELD` tests presence.
public struct FlowFilter: Sendable, CustomStringConvertible {
    /// The parsed expression, for code that inspects it.
    public let expression: FilterExpression
    private let program: Program

    /// Sets every filter can use without the caller providing them: `$internal` defaults to
    /// RFC 1918, RFC 6598 and IPv6 unique-local space, as in `flowlens.yml`.
    public static let defaultSets: [String: CIDRSet] = ["internal": .privateNetworks]

    /// Parses and compiles an expression.
    ///
    /// - Parameters:
    ///   - text: The expression, such as `dstport = 22 and action = REJECT`.
    ///   - sets: Named address sets for `$name`: networks (`internal`, `trusted`, `dns_resolvers`),
    ///     `intel`, and zone names. Entries here replace ``defaultSets`` of the same name.
    /// - Throws: ``FlowLensError`` with code `.badExpression` whose message names the problem and
    ///   its column and quotes the expression with a caret under the spot.
    public init(_ text: String, sets: [String: CIDRSet] = [:]) throws(FlowLensError) {
        let resolved = FlowFilter.defaultSets.merging(sets) { _, given in given }
        do throws(ExpressionError) {
            let expression = try Parser.parse(text, knownSets: Set(resolved.keys))
            self.expression = expression
            program = try Compiler.compile(expression, sets: resolved)
        } catch {
            throw error.flowLensError(source: text)
        }
    }

    /// Compiles an expression that was parsed earlier, such as a rule's `match:` read at load time.
    ///
    /// - Throws: ``FlowLensError`` with code `.badExpression` when it names a set that `sets` and
    ///   ``defaultSets`` do not define.
    public init(_ expression: FilterExpression, sets: [String: CIDRSet] = [:]) throws(FlowLensError) {
        let resolved = FlowFilter.defaultSets.merging(sets) { _, given in given }
        do throws(ExpressionError) {
            self.expression = expression
            program = try Compiler.compile(expression, sets: resolved)
        } catch {
            throw error.flowLensError(source: nil)
        }
    }

    /// Whether the record satisfies the expression. Allocation-free and safe from any thread.
    @inlinable
    public func matches(_ record: FlowRecord) -> Bool {
        // Inlined, so the caller's copy of the record (if any) is the one that gets pointed at.
        withUnsafePointer(to: record) { matches($0) }
    }

    /// Whether the record at `record` satisfies the expression, read in place.
    public func matches(_ record: UnsafePointer<FlowRecord>) -> Bool { program.matches(record) }

    /// Indices of the records that satisfy the expression, in order.
    ///
    /// Prefer this to calling ``matches(_:)`` in a loop over a batch: records are large, and
    /// here they are read in place instead of being copied for each call.
    public func matchingIndices(in records: [FlowRecord]) -> [Int] {
        records.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return [] }
            var indices: [Int] = []
            for index in 0..<buffer.count where program.matches(base + index) { indices.append(index) }
            return indices
        }
    }

    /// The records that satisfy the expression, in order.
    public func filter(_ records: [FlowRecord]) -> [FlowRecord] {
        records.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return [] }
            var kept: [FlowRecord] = []
            for index in 0..<buffer.count where program.matches(base + index) { kept.append(base[index]) }
            return kept
        }
    }

    /// How many records satisfy the expression.
    public func count(in records: [FlowRecord]) -> Int {
        records.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var count = 0
            for index in 0..<buffer.count where program.matches(base + index) { count &+= 1 }
            return count
        }
    }

    /// Every stored field the expression reads.
    public var fieldsUsed: Set<FlowField> { expression.fieldsUsed }

    /// The expression in normal form: canonical field names and operators, minimal parentheses.
    public var description: String { expression.description }
}
