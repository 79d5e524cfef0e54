import FlowCore

/// A compiled filter: instructions and the constant tables they index, in buffers allocated once.
///
/// Immutable after `init`, which is what makes the unchecked `Sendable` sound. Evaluation follows
/// jumps from `root` until it reaches accept or reject, and never allocates. Records are ~300
/// bytes, so evaluation reads them through a pointer: fields are loaded at their offsets and
/// nothing is copied.
final class Program: @unchecked Sendable {
    private let instructions: UnsafeMutableBufferPointer<Instruction>
    private let ranges: UnsafeMutableBufferPointer<NumberRange>
    private let intervals: UnsafeMutableBufferPointer<AddressInterval>
    private let symbols: UnsafeMutableBufferPointer<Symbol>
    private let root: Int32

    /// Lists at most this long are scanned; longer ones (an intel feed as a `$set`) are searched.
    private static let linearScanLimit = 8

    init(
        instructions: [Instruction], ranges: [NumberRange], intervals: [AddressInterval], symbols: [Symbol],
        root: Int32
    ) {
        func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
            _ = buffer.initialize(from: array)
            return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
        }
        self.instructions = copy(instructions)
        self.ranges = copy(ranges)
        self.intervals = copy(intervals)
        self.symbols = copy(symbols)
        self.root = root
    }

    deinit {
        instructions.deallocate()
        ranges.deallocate()
        intervals.deallocate()
        symbols.deallocate()
    }

    func matches(_ record: UnsafePointer<FlowRecord>) -> Bool {
        let raw = UnsafeRawPointer(record)
        let present = record.pointee.present
        var next = root
        while next >= 0 {
            let instruction = instructions[Int(next)]
            next = test(instruction.test, raw, present) ? instruction.onTrue : instruction.onFalse
        }
        return next == Instruction.accept
    }

    @inline(__always)
    private func test(_ test: Test, _ record: UnsafeRawPointer, _ present: UInt64) -> Bool {
        switch test {
        case .present(let first, let second):
            return present & first != 0 && present & second != 0
        case .sense(let response):
            guard Program.hasBothEnds(present) else { return false }
            return record.assumingMemoryBound(to: FlowRecord.self).pointee.isResponse == response
        case .never:
            return false
        case .inRange(let read, let low, let high, let negate):
            let need = read.presence
            guard present & need == need else { return false }
            // One unsigned compare covers both bounds.
            return (Program.load(read, record) &- low <= high &- low) != negate
        case .inRanges(let read, let start, let count, let negate):
            let need = read.presence
            guard present & need == need else { return false }
            return inRanges(Program.load(read, record), Int(start), Int(count)) != negate
        case .inIntervals(let read, let start, let count, let negate):
            let address: IPAddress
            if read.role != .stored {
                guard Program.hasBothEnds(present) else { return false }
                let typed = record.assumingMemoryBound(to: FlowRecord.self)
                address = read.role == .initiator ? typed.pointee.initiator : typed.pointee.responder
            } else if present & (1 &<< UInt64(read.bit)) != 0 {
                address = record.load(fromByteOffset: Int(read.offset), as: IPAddress.self)
            } else if read.fallbackBit != .max, present & (1 &<< UInt64(read.fallbackBit)) != 0 {
                address = record.load(fromByteOffset: Int(read.fallbackOffset), as: IPAddress.self)
            } else {
                return false
            }
            return inIntervals(address, Int(start), Int(count)) != negate
        case .textEquals(let bit, let offset, let symbol, let negate):
            guard present & (1 &<< UInt64(bit)) != 0 else { return false }
            return (Program.text(record, offset) == symbol) != negate
        case .textIn(let bit, let offset, let start, let count, let negate):
            guard present & (1 &<< UInt64(bit)) != 0 else { return false }
            return textIn(Program.text(record, offset), Int(start), Int(count)) != negate
        case .enumIn(let field, let mask, let negate):
            guard present & field.bit != 0 else { return false }
            let typed = record.assumingMemoryBound(to: FlowRecord.self)
            let raw: UInt8? =
                switch field {
                case .action: typed.pointee.action?.rawValue
                case .logStatus: typed.pointee.logStatus?.rawValue
                default: typed.pointee.flowDirection?.rawValue
                }
            guard let raw else { return false }
            return (mask & (1 &<< raw) != 0) != negate
        case .flagsAll(let mask):
            guard present & FlowField.tcpFlags.bit != 0 else { return false }
            return record.assumingMemoryBound(to: FlowRecord.self).pointee.tcpFlags & mask == mask
        }
    }

    @inline(__always)
    private static func load(_ read: NumericRead, _ record: UnsafeRawPointer) -> UInt64 {
        let offset = Int(read.offset)
        switch read.width {
        case .u8: return UInt64(record.load(fromByteOffset: offset, as: UInt8.self))
        case .u16: return UInt64(record.load(fromByteOffset: offset, as: UInt16.self))
        case .u64: return record.load(fromByteOffset: offset, as: UInt64.self)
        case .time: return timeKey(record.load(fromByteOffset: offset, as: Int64.self))
        // Through `FlowRecord`'s own (inlinable) logic, so filters and detectors agree on the sense.
        case .servicePort: return UInt64(record.assumingMemoryBound(to: FlowRecord.self).pointee.servicePort)
        case .clientPort: return UInt64(record.assumingMemoryBound(to: FlowRecord.self).pointee.clientPort)
        }
    }

    /// An address at each end: what `initiator`, `responder`, `request` and `response` need.
    @inline(__always)
    static func hasBothEnds(_ present: UInt64) -> Bool {
        present & (FlowField.pktSrcaddr.bit | FlowField.srcaddr.bit) != 0
            && present & (FlowField.pktDstaddr.bit | FlowField.dstaddr.bit) != 0
    }

    /// Times are signed; flipping the sign bit maps them onto unsigned keys in the same order.
    @inline(__always)
    static func timeKey(_ seconds: Int64) -> UInt64 { UInt64(bitPattern: seconds) ^ (1 << 63) }


    private func inRanges(_ value: UInt64, _ start: Int, _ count: Int) -> Bool {
        IntervalSet.contains(value, in: ranges, start: start, count: count)
    }

    private func inIntervals(_ address: IPAddress, _ start: Int, _ count: Int) -> Bool {
        IntervalSet.contains(address, in: intervals, start: start, count: count)
    }

    /// A text field's symbol, from where ``RecordLayout/text(_:)`` says it is.
    @inline(__always)
    static func text(_ record: UnsafeRawPointer, _ offset: Int32) -> Symbol {
        if offset >= 0 { return record.load(fromByteOffset: Int(offset), as: Symbol.self) }
        let id = record.assumingMemoryBound(to: FlowRecord.self).pointee.rareTexts
        return RareTextTable.shared.text(id, slot: Int(-1 - offset))
    }

    private func textIn(_ symbol: Symbol, _ start: Int, _ count: Int) -> Bool {
        if count <= Program.linearScanLimit {
            for i in start..<start + count where symbols[i] == symbol { return true }
            return false
        }
        var low = start
        var high = start + count
        while low < high {
            let middle = (low + high) / 2
            if symbols[middle].id < symbol.id { low = middle + 1 } else { high = middle }
        }
        return low < start + count && symbols[low] == symbol
    }
}
