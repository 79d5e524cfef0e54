import FlowCore

/// Which of a plan's address sets hold an IPv4 address, decided for most addresses by one load
/// from a table indexed by the address's /16 prefix.
///
/// Address lookups were the largest part of a record's atoms: each `initiator in $internal` or
/// `src in $intel` scanned its set's intervals with 128-bit comparisons. Sets are made of CIDR
/// blocks, and a /16 prefix is almost always either wholly inside a set's blocks or wholly
/// outside them; only the prefixes that a set's blocks cut (a /32 of `$trusted`, a /28 of an
/// intel list) still need the intervals. Each prefix maps to a class of prefixes that all sets
/// treat alike, each class to the sets that hold all of it and the sets that hold part of it.
struct AddressPrefixTable {
    /// At most this many sets, one bit each in the class masks.
    static let capacity = 32

    /// By /16 prefix: its class. Empty when there is no table (too many sets or classes).
    private let classes: PagedByteTable
    /// By class: the sets holding every address of the class's prefixes.
    private let inside: UnsafeMutableBufferPointer<UInt32>
    /// By class: the sets holding some addresses of the class's prefixes.
    private let partial: UnsafeMutableBufferPointer<UInt32>

    /// - Parameters:
    ///   - sets: Each set as a run of `intervals` (sorted, disjoint); set `k` is bit `k`.
    ///   - intervals: The code's address intervals.
    init(sets: [(start: Int32, count: Int32)], intervals: UnsafeMutableBufferPointer<AddressInterval>) {
        var classes: [UInt8] = []
        var insideOfClass: [UInt32] = []
        var partialOfClass: [UInt32] = []
        if !sets.isEmpty && sets.count <= Self.capacity {
            var insideOfPrefix = [UInt32](repeating: 0, count: 65536)
            var partialOfPrefix = [UInt32](repeating: 0, count: 65536)
            let first = IPAddress(ipv4: 0)
            let last = IPAddress(ipv4: .max)
            for (index, set) in sets.enumerated() {
                let bit = UInt32(1) << UInt32(index)
                for interval in intervals[Int(set.start)..<Int(set.start + set.count)] {
                    // The part of the interval within the IPv4-mapped range, if any.
                    let low = IntervalSet.less(interval.low, first) ? first : interval.low
                    let high = IntervalSet.less(last, interval.high) ? last : interval.high
                    guard !IntervalSet.less(high, low) else { continue }
                    let lowValue = UInt32(truncatingIfNeeded: low.low)
                    let highValue = UInt32(truncatingIfNeeded: high.low)
                    let firstPrefix = Int(lowValue >> 16)
                    let lastPrefix = Int(highValue >> 16)
                    for prefix in firstPrefix...lastPrefix {
                        let whole =
                            (prefix > firstPrefix || lowValue & 0xFFFF == 0)
                            && (prefix < lastPrefix || highValue & 0xFFFF == 0xFFFF)
                        if whole { insideOfPrefix[prefix] |= bit } else { partialOfPrefix[prefix] |= bit }
                    }
                }
            }
            var classOf: [UInt64: UInt8] = [:]
            classes.reserveCapacity(65536)
            for prefix in 0..<65536 {
                let key = UInt64(insideOfPrefix[prefix]) << 32 | UInt64(partialOfPrefix[prefix])
                // Neighbouring prefixes mostly share a class: skip the dictionary for a run.
                if let previous = classes.last,
                    UInt64(insideOfClass[Int(previous)]) << 32 | UInt64(partialOfClass[Int(previous)]) == key
                {
                    classes.append(previous)
                } else if let known = classOf[key] {
                    classes.append(known)
                } else if insideOfClass.count < 256 {
                    classOf[key] = UInt8(insideOfClass.count)
                    classes.append(UInt8(insideOfClass.count))
                    insideOfClass.append(insideOfPrefix[prefix])
                    partialOfClass.append(partialOfPrefix[prefix])
                } else {
                    // More classes than a byte names: every lookup scans its intervals.
                    classes = []
                    insideOfClass = []
                    partialOfClass = []
                    break
                }
            }
        }
        self.classes = PagedByteTable(classes)
        inside = .copying(insideOfClass)
        partial = .copying(partialOfClass)
    }


    /// Frees the buffers; the owner calls it once.
    func deallocate() {
        classes.deallocate()
        inside.deallocate()
        partial.deallocate()
    }

    /// Whether the table is in use.
    var isEmpty: Bool { classes.isEmpty }

    /// Classes of prefixes, for owners that work out a value per class once (see
    /// ``prefixClass(of:)``); 0 without a table.
    var classCount: Int { classes.isEmpty ? 0 : inside.count }

    /// The class of an IPv4 address's /16 prefix; nil for IPv6 addresses and without a table.
    @inline(__always)
    func prefixClass(of address: IPAddress) -> Int? {
        guard !classes.isEmpty && address.high == 0 && address.low >> 32 == 0xFFFF else { return nil }
        return Int(classes[UInt16(truncatingIfNeeded: address.low >> 16)])
    }

    /// Whether set `set` holds every address of class `prefixClass`'s prefixes (`inside`), and
    /// whether it holds only some of them, so that the answer depends on the whole address (`cut`).
    func membership(ofClass prefixClass: Int, set: Int) -> (inside: Bool, cut: Bool) {
        let bit = UInt32(1) << UInt32(set)
        return (inside[prefixClass] & bit != 0, partial[prefixClass] & bit != 0)
    }

    /// Whether `address` is in set `set`, which is `intervals[start..<start + count]`.
    @inline(__always)
    func contains(
        _ address: IPAddress, set: Int, start: Int, count: Int, in intervals: UnsafeMutableBufferPointer<AddressInterval>
    ) -> Bool {
        if !classes.isEmpty && address.high == 0 && address.low >> 32 == 0xFFFF {
            let prefixClass = Int(classes[UInt16(truncatingIfNeeded: address.low >> 16)])
            let bit = UInt32(1) &<< UInt32(truncatingIfNeeded: set)
            // Branch only on the rare cut prefix: whether an address is inside varies from
            // record to record, and a branch on it was mispredicted half the time.
            if partial[prefixClass] & bit == 0 { return inside[prefixClass] & bit != 0 }
        }
        return IntervalSet.contains(address, in: intervals, start: start, count: count)
    }
}
