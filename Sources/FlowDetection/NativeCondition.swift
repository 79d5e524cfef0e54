import FlowCore
import FlowExpression

/// The conditions of a ``MatchPlan`` compiled for the plan's own record-by-record walk.
///
/// `FlowFilter` evaluates through a call into another module, which costs a reference count on
/// its compiled program per call; a walk that tests a dozen conditions per record pays that a
/// dozen times per record. Here the conditions the rules use (the flow's sense, address sets,
/// numbers and ports, action and status, `exists`, tcp flag masks, with `and`, `or` and `not`)
/// are lowered to jump tables that the walk evaluates inline, reading a record's orientation and
/// ends once for all of them. Anything else (text fields, times, lost-packet counters) is left to
/// the term's `FlowFilter`: ``compile(_:sets:)`` returns nil for it.
///
/// Semantics are `FlowFilter`'s, test for test (see `Compiler` in FlowExpression): a test of an
/// absent value is false whatever the operator, `not` inverts a whole test, a positive test on a
/// subject with several reads holds when any read matches, and a negative one when every read is
/// present and differs.
final class NativeConditions: @unchecked Sendable {
    // Written only while compiling, before the plan is used; immutable afterwards.
    private var instructions: [NativeInstruction] = []
    private var ranges: [NumberRange] = []
    private var intervals: [AddressInterval] = []
    /// Where each distinct list of ranges or intervals starts, so that tests of the same values
    /// are equal and become one atom.
    private var rangeStarts: [[NumberRange]: Int32] = [:]
    private var intervalStarts: [[AddressInterval]: Int32] = [:]

    /// The code the walk runs, set by ``seal()``; its buffers belong to this object.
    private(set) var code = NativeCode(
        instructions: UnsafeMutableBufferPointer(start: nil, count: 0), ranges: UnsafeMutableBufferPointer(start: nil, count: 0),
        intervals: UnsafeMutableBufferPointer(start: nil, count: 0), atomInstructions: UnsafeMutableBufferPointer(start: nil, count: 0),
        atoms: nil)

    deinit {
        code.instructions.deallocate()
        code.ranges.deallocate()
        code.intervals.deallocate()
        code.atomInstructions.deallocate()
        code.atoms?.deallocate()
    }

    /// Compiles one condition and returns the entry of its code, or nil when it uses something
    /// only `FlowFilter` evaluates.
    func compile(_ expression: FilterExpression, sets: [String: CIDRSet]) -> Int32? {
        guard Self.isSupported(expression) else { return nil }
        return emit(expression, sets: sets, onTrue: NativeInstruction.accept, onFalse: NativeInstruction.reject)
    }

    /// Copies the code into buffers that the walk reads without reference counting.
    func seal() {
        // Each distinct test becomes an atom; the atom form of an instruction tests its bit.
        var atomOf: [NativeTest: Int] = [:]
        var atoms: [NativeTest] = []
        var atomInstructions: [AtomInstruction] = []
        for instruction in instructions {
            let atom: Int
            if let known = atomOf[instruction.test] {
                atom = known
            } else {
                atom = atoms.count
                atomOf[instruction.test] = atom
                atoms.append(instruction.test)
            }
            atomInstructions.append(
                AtomInstruction(
                    mask: atom < NativeAtoms.capacity ? UInt64(1) << UInt64(atom) : 0, onTrue: instruction.onTrue,
                    onFalse: instruction.onFalse))
        }
        let sealedRanges = UnsafeMutableBufferPointer.copying(ranges)
        let sealedIntervals = UnsafeMutableBufferPointer.copying(intervals)
        code = NativeCode(
            instructions: .copying(instructions), ranges: sealedRanges, intervals: sealedIntervals,
            atomInstructions: .copying(atomInstructions),
            atoms: atoms.count <= NativeAtoms.capacity ? NativeAtoms(atoms, ranges: sealedRanges, intervals: sealedIntervals) : nil)
    }

    /// The atoms that the code at `entries` can test (see ``seal()``).
    func atoms(reachableFrom entries: [Int32]) -> UInt64 {
        var mask: UInt64 = 0
        var seen = Set<Int32>()
        var pending = entries.filter { $0 >= 0 }
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            let instruction = code.atomInstructions[Int(next)]
            mask |= instruction.mask
            if instruction.onTrue >= 0 { pending.append(instruction.onTrue) }
            if instruction.onFalse >= 0 { pending.append(instruction.onFalse) }
        }
        return mask
    }

    /// Has records that are not requests evaluate only the `needed` atoms (see
    /// ``NativeAtoms/evaluateForOthersOnly(_:)``).
    func evaluateForOthersOnly(_ needed: UInt64) {
        code.atoms?.evaluateForOthersOnly(needed)
    }

    private static let numericFields: Set<FlowField> = [.version, .proto, .srcport, .dstport, .tcpFlags, .packets, .bytes]
    private static let addressFields: Set<FlowField> = [.srcaddr, .dstaddr, .pktSrcaddr, .pktDstaddr]
    private static let enumFields: Set<FlowField> = [.action, .logStatus, .flowDirection]

    private static func isSupported(_ expression: FilterExpression) -> Bool {
        switch expression {
        case .sense, .exists: return true
        case .and(let left, let right), .or(let left, let right): return isSupported(left) && isSupported(right)
        case .not(let inner): return isSupported(inner)
        case .comparison(let comparison):
            guard !comparison.values.isEmpty else { return false }
            for accessor in comparison.subject.accessors {
                switch accessor {
                case .initiator, .responder, .packetSource, .packetDestination, .servicePort, .clientPort: continue
                case .field(let field):
                    if numericFields.contains(field) || addressFields.contains(field) || enumFields.contains(field) {
                        continue
                    }
                    return false
                }
            }
            for value in comparison.values {
                switch value {
                case .number, .range, .network, .set, .action, .logStatus, .flowDirection: continue
                case .time, .text: return false
                }
            }
            return true
        }
    }

    private func append(_ test: NativeTest, onTrue: Int32, onFalse: Int32) -> Int32 {
        instructions.append(NativeInstruction(test: test, onTrue: onTrue, onFalse: onFalse))
        return Int32(instructions.count - 1)
    }

    /// As `Compiler.emit`: the right operand first, since the left one jumps to its entry.
    private func emit(_ expression: FilterExpression, sets: [String: CIDRSet], onTrue: Int32, onFalse: Int32) -> Int32? {
        switch expression {
        case .and(let left, let right):
            guard let rightEntry = emit(right, sets: sets, onTrue: onTrue, onFalse: onFalse) else { return nil }
            return emit(left, sets: sets, onTrue: rightEntry, onFalse: onFalse)
        case .or(let left, let right):
            guard let rightEntry = emit(right, sets: sets, onTrue: onTrue, onFalse: onFalse) else { return nil }
            return emit(left, sets: sets, onTrue: onTrue, onFalse: rightEntry)
        case .not(let inner):
            return emit(inner, sets: sets, onTrue: onFalse, onFalse: onTrue)
        case .sense(let sense):
            return append(.sense(response: sense == .response), onTrue: onTrue, onFalse: onFalse)
        case .exists(let subject):
            var entry = onFalse
            for accessor in subject.accessors.reversed() {
                let (first, second) = Self.presence(accessor)
                entry = append(.present(first, second), onTrue: onTrue, onFalse: entry)
            }
            return entry
        case .comparison(let comparison):
            var entry = onTrue
            var first = true
            for accessor in comparison.subject.accessors.reversed() {
                guard let test = makeTest(comparison, accessor, sets: sets) else { return nil }
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

    /// The presence masks of a read: it has a value when the record's mask shares a bit with each.
    private static func presence(_ accessor: Accessor) -> (UInt64, UInt64) {
        let source = FlowField.pktSrcaddr.bit | FlowField.srcaddr.bit
        let destination = FlowField.pktDstaddr.bit | FlowField.dstaddr.bit
        switch accessor {
        case .field(let field): return (field.bit, field.bit)
        case .packetSource: return (source, source)
        case .packetDestination: return (destination, destination)
        case .initiator, .responder: return (source, destination)
        case .servicePort, .clientPort: return (FlowField.srcport.bit, FlowField.dstport.bit)
        }
    }

    private func makeTest(_ comparison: Comparison, _ accessor: Accessor, sets: [String: CIDRSet]) -> NativeTest? {
        let op = comparison.op
        let values = comparison.values
        let negate = op.isNegative
        switch accessor {
        case .initiator, .responder, .packetSource, .packetDestination:
            return addressTest(accessor, values, negate: negate, sets: sets)
        case .field(let field) where Self.addressFields.contains(field):
            return addressTest(accessor, values, negate: negate, sets: sets)
        case .field(let field) where Self.enumFields.contains(field):
            var mask: UInt8 = 0
            for value in values {
                switch value {
                case .action(let action): mask |= 1 << action.rawValue
                case .logStatus(let status): mask |= 1 << status.rawValue
                case .flowDirection(let direction): mask |= 1 << direction.rawValue
                default: return nil
                }
            }
            let read: EnumRead = field == .action ? .action : (field == .logStatus ? .logStatus : .flowDirection)
            return .enumIn(read, mask: mask, negate: negate)
        default:
            break
        }
        let read: NumberRead
        switch accessor {
        case .servicePort: read = .servicePort
        case .clientPort: read = .clientPort
        case .field(.version): read = .version
        case .field(.proto): read = .proto
        case .field(.srcport): read = .srcport
        case .field(.dstport): read = .dstport
        case .field(.tcpFlags): read = .tcpFlags
        case .field(.packets): read = .packets
        case .field(.bytes): read = .bytes
        default: return nil
        }
        if op == .has {
            let mask = values.reduce(UInt64(0)) { mask, value in
                if case .number(let bits) = value { mask | bits } else { mask }
            }
            return .flagsAll(UInt16(truncatingIfNeeded: mask))
        }
        var merged: [NumberRange]
        var negated = negate
        switch op {
        case .equal, .notEqual, .in, .notIn:
            var input: [NumberRange] = []
            for value in values {
                switch value {
                case .number(let number): input.append(NumberRange(low: number, high: number))
                case .range(let range): input.append(NumberRange(low: range.lowerBound, high: range.upperBound))
                default: return nil
                }
            }
            merged = IntervalSet.merged(input)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard case .number(let key) = values[0] else { return nil }
            switch op {
            case .less: merged = key == 0 ? [] : [NumberRange(low: 0, high: key - 1)]
            case .lessOrEqual: merged = [NumberRange(low: 0, high: key)]
            case .greater: merged = key == .max ? [] : [NumberRange(low: key + 1, high: .max)]
            default: merged = [NumberRange(low: key, high: .max)]
            }
            negated = false
        case .has:
            return nil
        }
        if merged.isEmpty {
            let (first, second) = Self.presence(accessor)
            return negated ? .present(first, second) : .never
        }
        let start = rangeStarts[merged] ?? Int32(ranges.count)
        if start == ranges.count {
            rangeStarts[merged] = start
            ranges.append(contentsOf: merged)
        }
        return .number(read, start: start, count: Int32(merged.count), negate: negated)
    }

    private func addressTest(_ accessor: Accessor, _ values: [FilterValue], negate: Bool, sets: [String: CIDRSet])
        -> NativeTest?
    {
        let read: AddressRole
        switch accessor {
        case .initiator: read = .initiator
        case .responder: read = .responder
        case .packetSource: read = .packetSource
        case .packetDestination: read = .packetDestination
        case .field(.srcaddr): read = .srcaddr
        case .field(.dstaddr): read = .dstaddr
        case .field(.pktSrcaddr): read = .pktSrcaddr
        case .field(.pktDstaddr): read = .pktDstaddr
        default: return nil
        }
        var blocks: [CIDR] = []
        for value in values {
            switch value {
            case .network(let cidr): blocks.append(cidr)
            case .set(let name):
                guard let set = sets[name] ?? FlowFilter.defaultSets[name] else { return nil }
                blocks.append(contentsOf: set.blocks)
            default: return nil
            }
        }
        let merged = IntervalSet.merged(blocks.map(AddressInterval.init))
        if merged.isEmpty {
            // As for numbers: nothing is in an empty set, and not being in one only takes a value.
            // In the default configuration `$intel` and `$nat_gateways` are empty, and as set
            // lookups `src in $intel or dst in $intel` cost two address reads per record.
            let (first, second) = Self.presence(accessor)
            return negate ? .present(first, second) : .never
        }
        let start = intervalStarts[merged] ?? Int32(intervals.count)
        if start == intervals.count {
            intervalStarts[merged] = start
            intervals.append(contentsOf: merged)
        }
        return .address(read, start: start, count: Int32(merged.count), negate: negate)
    }
}

/// One step of native condition code: a test and where to go on each outcome; below zero ends
/// the run with ``accept`` or ``reject``.
struct NativeInstruction {
    var test: NativeTest
    var onTrue: Int32
    var onFalse: Int32

    static let accept: Int32 = -1
    static let reject: Int32 = -2
}

/// An instruction in atom form: the bit of its test in the record's atom mask (zero when the
/// plan has more atoms than a mask holds, and the walk tests instead) and where to go.
struct AtomInstruction {
    var mask: UInt64
    var onTrue: Int32
    var onFalse: Int32
}

enum NativeTest: Hashable {
    case sense(response: Bool)
    case present(UInt64, UInt64)
    case never
    case number(NumberRead, start: Int32, count: Int32, negate: Bool)
    case address(AddressRole, start: Int32, count: Int32, negate: Bool)
    case enumIn(EnumRead, mask: UInt8, negate: Bool)
    case flagsAll(UInt16)
}

enum NumberRead: UInt8 {
    case version, proto, srcport, dstport, tcpFlags, packets, bytes, servicePort, clientPort
}

enum AddressRole: UInt8 {
    case initiator, responder, packetSource, packetDestination, srcaddr, dstaddr, pktSrcaddr, pktDstaddr
}

enum EnumRead: UInt8 {
    case action, logStatus, flowDirection
}

/// What the conditions read from one record, worked out once for all of them.
struct RecordReading {
    let record: UnsafePointer<FlowRecord>
    let present: UInt64
    let hasBothEnds: Bool
    let isResponse: Bool

    @inline(__always)
    init(_ record: UnsafePointer<FlowRecord>) {
        self.record = record
        let present = record.pointee.present
        self.present = present
        hasBothEnds =
            present & (FlowField.pktSrcaddr.bit | FlowField.srcaddr.bit) != 0
            && present & (FlowField.pktDstaddr.bit | FlowField.dstaddr.bit) != 0
        isResponse = record.isResponse
    }

    /// The address a role reads from the record; nil when the record lacks it, and then no test
    /// of it holds, whatever its operator.
    @inline(__always)
    func address(_ role: AddressRole) -> IPAddress? {
        switch role {
        case .initiator, .responder:
            guard hasBothEnds else { return nil }
            return (role == .initiator) != isResponse ? record.packetSource : record.packetDestination
        case .packetSource:
            guard present & (FlowField.pktSrcaddr.bit | FlowField.srcaddr.bit) != 0 else { return nil }
            return record.packetSource
        case .packetDestination:
            guard present & (FlowField.pktDstaddr.bit | FlowField.dstaddr.bit) != 0 else { return nil }
            return record.packetDestination
        case .srcaddr:
            guard present & FlowField.srcaddr.bit != 0 else { return nil }
            return record.pointee.srcaddr
        case .dstaddr:
            guard present & FlowField.dstaddr.bit != 0 else { return nil }
            return record.pointee.dstaddr
        case .pktSrcaddr:
            guard present & FlowField.pktSrcaddr.bit != 0 else { return nil }
            return record.pointee.pktSrcaddr
        case .pktDstaddr:
            guard present & FlowField.pktDstaddr.bit != 0 else { return nil }
            return record.pointee.pktDstaddr
        }
    }
}

/// Compiled conditions as plain buffers: copied into a local, evaluation touches no reference
/// count and no exclusivity check.
struct NativeCode {
    let instructions: UnsafeMutableBufferPointer<NativeInstruction>
    let ranges: UnsafeMutableBufferPointer<NumberRange>
    let intervals: UnsafeMutableBufferPointer<AddressInterval>
    /// The instructions again, in atom form, by the same index.
    let atomInstructions: UnsafeMutableBufferPointer<AtomInstruction>
    /// The distinct tests, when there are few enough for one mask.
    var atoms: NativeAtoms?

    /// Runs the code at `entry` on one record.
    @inline(__always)
    func matches(_ entry: Int32, _ reading: RecordReading) -> Bool {
        let code = instructions
        var next = entry
        while next >= 0 {
            let instruction = code[Int(next)]
            next = test(instruction.test, reading) ? instruction.onTrue : instruction.onFalse
        }
        return next == NativeInstruction.accept
    }

    /// Runs the code at `entry` on a record's atom mask (from ``NativeAtoms/bits(_:_:)``).
    @inline(__always)
    func matches(_ entry: Int32, bits: UInt64) -> Bool {
        let code = atomInstructions
        var next = entry
        while next >= 0 {
            let instruction = code[Int(next)]
            next = bits & instruction.mask != 0 ? instruction.onTrue : instruction.onFalse
        }
        return next == NativeInstruction.accept
    }

    @inline(__always)
    func test(_ test: NativeTest, _ reading: RecordReading) -> Bool {
        let present = reading.present
        let record = reading.record
        switch test {
        case .sense(let response):
            return reading.hasBothEnds && reading.isResponse == response
        case .present(let first, let second):
            return present & first != 0 && present & second != 0
        case .never:
            return false
        case .number(let read, let start, let count, let negate):
            let value: UInt64
            switch read {
            case .version:
                guard present & FlowField.version.bit != 0 else { return false }
                value = UInt64(record.pointee.version)
            case .proto:
                guard present & FlowField.proto.bit != 0 else { return false }
                value = UInt64(record.pointee.proto)
            case .srcport:
                guard present & FlowField.srcport.bit != 0 else { return false }
                value = UInt64(record.pointee.srcport)
            case .dstport:
                guard present & FlowField.dstport.bit != 0 else { return false }
                value = UInt64(record.pointee.dstport)
            case .tcpFlags:
                guard present & FlowField.tcpFlags.bit != 0 else { return false }
                value = UInt64(record.pointee.tcpFlags)
            case .packets:
                guard present & FlowField.packets.bit != 0 else { return false }
                value = record.pointee.packets
            case .bytes:
                guard present & FlowField.bytes.bit != 0 else { return false }
                value = record.pointee.bytes
            case .servicePort, .clientPort:
                let ports = FlowField.srcport.bit | FlowField.dstport.bit
                guard present & ports == ports else { return false }
                let useSource = reading.isResponse == (read == .servicePort)
                value = UInt64(useSource ? record.pointee.srcport : record.pointee.dstport)
            }
            return inRanges(value, Int(start), Int(count)) != negate
        case .address(let role, let start, let count, let negate):
            guard let address = reading.address(role) else { return false }
            return inIntervals(address, Int(start), Int(count)) != negate
        case .enumIn(let read, let mask, let negate):
            let raw: UInt8?
            switch read {
            case .action:
                guard present & FlowField.action.bit != 0 else { return false }
                raw = record.pointee.action?.rawValue
            case .logStatus:
                guard present & FlowField.logStatus.bit != 0 else { return false }
                raw = record.pointee.logStatus?.rawValue
            case .flowDirection:
                guard present & FlowField.flowDirection.bit != 0 else { return false }
                raw = record.pointee.flowDirection?.rawValue
            }
            guard let raw else { return false }
            return (mask & (1 &<< raw) != 0) != negate
        case .flagsAll(let mask):
            guard present & FlowField.tcpFlags.bit != 0 else { return false }
            return record.pointee.tcpFlags & mask == mask
        }
    }

    @inline(__always)
    private func inRanges(_ value: UInt64, _ start: Int, _ count: Int) -> Bool {
        IntervalSet.contains(value, in: ranges, start: start, count: count)
    }

    @inline(__always)
    private func inIntervals(_ address: IPAddress, _ start: Int, _ count: Int) -> Bool {
        IntervalSet.contains(address, in: intervals, start: start, count: count)
    }
}
