import FlowCore

/// Lowers a ``FilterExpression`` to a ``Program``: resolves sets, interns text, turns pseudo-fields
/// into one test per read, and sorts and merges lists so long ones can be binary-searched.
struct Compiler {
    private var instructions: [Instruction] = []
    private var ranges: [NumberRange] = []
    private var intervals: [AddressInterval] = []
    private var symbols: [Symbol] = []
    private let sets: [String: CIDRSet]

    static func compile(_ expression: FilterExpression, sets: [String: CIDRSet]) throws(ExpressionError) -> Program {
        var compiler = Compiler(sets: sets)
        let root = try compiler.emit(expression, onTrue: Instruction.accept, onFalse: Instruction.reject)
        return Program(
            instructions: compiler.instructions, ranges: compiler.ranges, intervals: compiler.intervals,
            symbols: compiler.symbols, root: root)
    }

    private init(sets: [String: CIDRSet]) { self.sets = sets }

    private mutating func append(_ test: Test, onTrue: Int32, onFalse: Int32) -> Int32 {
        instructions.append(Instruction(test: test, onTrue: onTrue, onFalse: onFalse))
        return Int32(instructions.count - 1)
    }

    /// Emits the expression so that it continues at `onTrue` or `onFalse`, and returns its entry.
    /// The right operand is emitted first because the left one needs its entry as a target.
    private mutating func emit(_ expression: FilterExpression, onTrue: Int32, onFalse: Int32)
        throws(ExpressionError) -> Int32
    {
        switch expression {
        case .and(let left, let right):
            let rightEntry = try emit(right, onTrue: onTrue, onFalse: onFalse)
            return try emit(left, onTrue: rightEntry, onFalse: onFalse)
        case .or(let left, let right):
            let rightEntry = try emit(right, onTrue: onTrue, onFalse: onFalse)
            return try emit(left, onTrue: onTrue, onFalse: rightEntry)
        case .not(let inner):
            return try emit(inner, onTrue: onFalse, onFalse: onTrue)
        case .exists(let subject):
            // Reads with one mask (`addr`) merge into one test; others are tried in turn.
            let presences = subject.accessors.map(\.presence)
            if presences.allSatisfy({ $0.0 == $0.1 }) {
                let mask = presences.reduce(0) { $0 | $1.0 }
                return append(.present(mask, mask), onTrue: onTrue, onFalse: onFalse)
            }
            var entry = onFalse
            for presence in presences.reversed() {
                entry = append(.present(presence.0, presence.1), onTrue: onTrue, onFalse: entry)
            }
            return entry
        case .sense(let sense):
            return append(.sense(response: sense == .response), onTrue: onTrue, onFalse: onFalse)
        case .comparison(let comparison):
            try Compiler.check(comparison)
            // Positive tests on a multi-read subject hold if any read matches; negative ones only
            // if every read is present and differs ("neither address is X").
            var entry = onTrue
            var first = true
            for accessor in comparison.subject.accessors.reversed() {
                let test = try makeTest(comparison, accessor)
                if first {
                    entry = append(test, onTrue: onTrue, onFalse: onFalse)
                    first = false
                } else if comparison.op.isNegative {
                    entry = append(test, onTrue: entry, onFalse: onFalse)
                } else {
                    entry = append(test, onTrue: onTrue, onFalse: entry)
                }
            }
            return entry
        }
    }

    /// The parser only builds well-typed comparisons; this catches ones built in code, which
    /// would otherwise reach the compiler's assumptions.
    private static func check(_ comparison: Comparison) throws(ExpressionError) {
        let subject = comparison.subject
        let kind = subject.valueKind
        let op = comparison.op
        func fail(_ problem: String) -> ExpressionError { ExpressionError("\(problem) in '\(comparison)'", at: nil) }
        guard let first = comparison.values.first else {
            throw ExpressionError("'\(subject) \(op)' has no values", at: nil)
        }
        if !op.takesList && comparison.values.count > 1 { throw fail("'\(op)' takes one value") }
        if op.isOrdering && !kind.isOrdered { throw fail("operator '\(op)' does not apply to '\(subject)'") }
        if op == .has && kind != .tcpFlags { throw fail("operator 'has' applies only to 'tcp-flags'") }
        if op.isOrdering, case .range = first { throw fail("a range needs 'in'") }
        for value in comparison.values {
            let fits: Bool
            switch (kind, value) {
            case (.number, .number), (.protocolNumber, .number), (.tcpFlags, .number), (.time, .time),
                (.address, .network), (.address, .set), (.text, .text), (.action, .action),
                (.logStatus, .logStatus), (.flowDirection, .flowDirection):
                fits = true
            case (.number, .range), (.protocolNumber, .range):
                fits = op == .in || op == .notIn
            default:
                fits = false
            }
            if !fits { throw fail("\(value) is not a value for '\(subject)'") }
        }
    }

    private mutating func makeTest(_ comparison: Comparison, _ accessor: Accessor) throws(ExpressionError) -> Test {
        let op = comparison.op
        let values = comparison.values
        let negate = op.isNegative
        switch accessor.valueKind {
        case .number, .protocolNumber, .tcpFlags, .time:
            if op == .has {
                let mask = values.reduce(UInt64(0)) { mask, value in
                    if case .number(let bits) = value { mask | bits } else { mask }
                }
                return .flagsAll(UInt16(truncatingIfNeeded: mask))
            }
            let read = RecordLayout.numeric(accessor)
            let merged: [NumberRange]
            var negated = negate
            switch op {
            case .equal, .notEqual, .in, .notIn:
                merged = IntervalSet.merged(values.map(Compiler.numericRange))
            case .less, .lessOrEqual, .greater, .greaterOrEqual:
                let key = Compiler.numericKey(values[0])
                // A bound past the end of the key space leaves an empty range: never true.
                switch op {
                case .less: merged = key == 0 ? [] : [NumberRange(low: 0, high: key - 1)]
                case .lessOrEqual: merged = [NumberRange(low: 0, high: key)]
                case .greater: merged = key == .max ? [] : [NumberRange(low: key + 1, high: .max)]
                default: merged = [NumberRange(low: key, high: .max)]
                }
                negated = false
            case .has:
                preconditionFailure("handled above")
            }
            switch merged.count {
            case 0:
                return negated ? .present(accessor.presence.0, accessor.presence.1) : .never
            case 1:
                return .inRange(read, low: merged[0].low, high: merged[0].high, negate: negated)
            default:
                let start = Int32(ranges.count)
                ranges.append(contentsOf: merged)
                return .inRanges(read, start: start, count: Int32(merged.count), negate: negated)
            }
        case .address:
            var blocks: [CIDR] = []
            for value in values {
                switch value {
                case .network(let cidr): blocks.append(cidr)
                case .set(let name):
                    guard let set = sets[name] else {
                        throw ExpressionError.unknownSet(name, known: sets.keys, at: nil)
                    }
                    blocks.append(contentsOf: set.blocks)
                default: preconditionFailure("address comparisons hold networks and sets")
                }
            }
            let merged = IntervalSet.merged(blocks.map(AddressInterval.init))
            let start = Int32(intervals.count)
            intervals.append(contentsOf: merged)
            return .inIntervals(
                RecordLayout.address(accessor), start: start, count: Int32(merged.count), negate: negate)
        case .text:
            guard case .field(let field) = accessor else { preconditionFailure("text reads are fields") }
            let offset = RecordLayout.text(field)
            let interned = Array(
                Set(
                    values.map { value -> Symbol in
                        guard case .text(let text) = value else { preconditionFailure("text comparisons hold text") }
                        return Symbol(text)
                    })
            ).sorted()
            if interned.count == 1 {
                return .textEquals(bit: field.rawValue, offset: offset, interned[0], negate: negate)
            }
            let start = Int32(symbols.count)
            symbols.append(contentsOf: interned)
            return .textIn(
                bit: field.rawValue, offset: offset, start: start, count: Int32(interned.count), negate: negate)
        case .action, .logStatus, .flowDirection:
            guard case .field(let field) = accessor else { preconditionFailure("enum reads are fields") }
            var mask: UInt8 = 0
            for value in values {
                switch value {
                case .action(let action): mask |= 1 << action.rawValue
                case .logStatus(let status): mask |= 1 << status.rawValue
                case .flowDirection(let direction): mask |= 1 << direction.rawValue
                default: preconditionFailure("enum comparisons hold enum values")
                }
            }
            return .enumIn(field, mask: mask, negate: negate)
        }
    }

    private static func numericKey(_ value: FilterValue) -> UInt64 {
        switch value {
        case .number(let number): number
        case .time(let seconds): Program.timeKey(seconds)
        default: preconditionFailure("numeric comparisons hold numbers and times")
        }
    }

    private static func numericRange(_ value: FilterValue) -> NumberRange {
        if case .range(let range) = value { return NumberRange(low: range.lowerBound, high: range.upperBound) }
        let key = numericKey(value)
        return NumberRange(low: key, high: key)
    }
}
