import FlowCore

/// Which of a plan's address sets hold an IPv4 address, decided by four loads from a trie of
/// the address's bytes.
///
/// Address lookups were the largest part of a record's atoms: each `initiator in $internal` or
/// `src in $intel` scanned its set's intervals with 128-bit comparisons. Each address maps to a
/// class of addresses that all sets treat alike, and each class to the sets that hold it. The
/// trie has one level per byte of the address, and equal subtrees are stored once, so a config
/// of a few networks takes a few KB that stay in the first-level cache.
///
/// The trie goes down to single addresses. A table of /16 prefixes did not: the prefix of your
/// own network (10.20.0.0/16) is cut by `$trusted`, `$dns_resolvers` and `$nat_gateways`, which
/// name single hosts in it, so every internal address, half of all addresses read, fell back to
/// scanning intervals (a fifth of matching's time). Subtrees are refined only up to a budget of
/// nodes (a long intel list of scattered /32s could need thousands); past it a subtree keeps one
/// class, marked as cut by the sets whose answer varies within it, and those still scan.
struct AddressPrefixTable {
    /// At most this many sets, one bit each in the class masks.
    static let capacity = 32
    /// At most this many nodes that are not one class throughout (1 KB each for the upper levels,
    /// 256 bytes for the last); past it a subtree is not refined further.
    static let refinedNodeBudget = 1024

    /// The nodes of the first three levels, 256 entries each, the root first: an entry is the
    /// offset of its child, in `inner` for the first two levels and in `leaves` for the third.
    /// Empty when there is no table (too many sets or classes).
    private let inner: UnsafeMutableBufferPointer<UInt32>
    /// The nodes of the last level: each address's class.
    private let leaves: UnsafeMutableBufferPointer<UInt8>
    /// By class: the sets holding every address of the class.
    private let inside: UnsafeMutableBufferPointer<UInt32>
    /// By class: the sets holding some addresses of the class (only past the node budget).
    private let partial: UnsafeMutableBufferPointer<UInt32>

    /// - Parameters:
    ///   - sets: Each set as a run of `intervals` (sorted, disjoint); set `k` is bit `k`.
    ///   - intervals: The code's address intervals.
    ///   - budget: Most nodes refined (see ``refinedNodeBudget``); tests lower it.
    init(
        sets: [(start: Int32, count: Int32)], intervals: UnsafeMutableBufferPointer<AddressInterval>,
        budget: Int = Self.refinedNodeBudget
    ) {
        var builder = Builder(budget: budget)
        if !sets.isEmpty && sets.count <= Self.capacity {
            builder.build(Segments(sets: sets, intervals: intervals))
        }
        inner = .copying(builder.failed ? [] : builder.inner)
        leaves = .copying(builder.failed ? [] : builder.leaves)
        inside = .copying(builder.failed ? [] : builder.insideOfClass)
        partial = .copying(builder.failed ? [] : builder.partialOfClass)
    }

    /// Frees the buffers; the owner calls it once.
    func deallocate() {
        inner.deallocate()
        leaves.deallocate()
        inside.deallocate()
        partial.deallocate()
    }

    /// Whether the table is in use.
    var isEmpty: Bool { inner.isEmpty }

    /// Whether some class is held by only part of a set, whose lookups then scan intervals:
    /// only past the node budget. For tests.
    var hasCutClasses: Bool { partial.contains { $0 != 0 } }

    /// Classes of addresses, for owners that work out a value per class once (see
    /// ``addressClass(of:)``); 0 without a table.
    var classCount: Int { inner.isEmpty ? 0 : inside.count }

    /// The class of an IPv4 address; nil for IPv6 addresses and without a table.
    @inline(__always)
    func addressClass(of address: IPAddress) -> Int? {
        guard !inner.isEmpty && address.high == 0 && address.low >> 32 == 0xFFFF else { return nil }
        return Int(classOf(UInt32(truncatingIfNeeded: address.low)))
    }

    /// The class of an IPv4 address given as its 32 bits: four dependent loads, no branch.
    @inline(__always)
    private func classOf(_ value: UInt32) -> UInt8 {
        var offset = inner[Int(value >> 24)]
        offset = inner[Int(offset) &+ Int((value >> 16) & 0xFF)]
        offset = inner[Int(offset) &+ Int((value >> 8) & 0xFF)]
        return leaves[Int(offset) &+ Int(value & 0xFF)]
    }

    /// Whether set `set` holds every address of class `addressClass` (`inside`), and whether it
    /// holds only some of them, so that the answer depends on the whole address (`cut`).
    func membership(ofClass addressClass: Int, set: Int) -> (inside: Bool, cut: Bool) {
        let bit = UInt32(1) << UInt32(set)
        return (inside[addressClass] & bit != 0, partial[addressClass] & bit != 0)
    }

    /// Whether `address` is in set `set`, which is `intervals[start..<start + count]`.
    @inline(__always)
    func contains(
        _ address: IPAddress, set: Int, start: Int, count: Int, in intervals: UnsafeMutableBufferPointer<AddressInterval>
    ) -> Bool {
        if let addressClass = addressClass(of: address) {
            let bit = UInt32(1) &<< UInt32(truncatingIfNeeded: set)
            if partial[addressClass] & bit == 0 { return inside[addressClass] & bit != 0 }
        }
        return IntervalSet.contains(address, in: intervals, start: start, count: count)
    }
}

extension AddressPrefixTable {
    /// The IPv4 space cut where any set's membership changes: segment `i` runs from `starts[i]`
    /// to the next start (or the end of the space) and is held by the sets `masks[i]`.
    fileprivate struct Segments {
        var starts: [UInt64] = [0]
        var masks: [UInt32] = [0]

        init(sets: [(start: Int32, count: Int32)], intervals: UnsafeMutableBufferPointer<AddressInterval>) {
            let first = IPAddress(ipv4: 0)
            let last = IPAddress(ipv4: .max)
            // Where each set starts and stops holding addresses: a stop sorts before a start at
            // the same point, as a set's intervals are disjoint.
            var events: [(point: UInt64, isStart: Bool, bit: UInt32)] = []
            for (index, set) in sets.enumerated() {
                let bit = UInt32(1) << UInt32(index)
                for interval in intervals[Int(set.start)..<Int(set.start + set.count)] {
                    // The part of the interval within the IPv4-mapped range, if any.
                    let low = IntervalSet.less(interval.low, first) ? first : interval.low
                    let high = IntervalSet.less(last, interval.high) ? last : interval.high
                    guard !IntervalSet.less(high, low) else { continue }
                    events.append((UInt64(UInt32(truncatingIfNeeded: low.low)), true, bit))
                    events.append((UInt64(UInt32(truncatingIfNeeded: high.low)) + 1, false, bit))
                }
            }
            events.sort { $0.point != $1.point ? $0.point < $1.point : (!$0.isStart && $1.isStart) }
            var mask: UInt32 = 0
            for event in events {
                if event.isStart { mask |= event.bit } else { mask &= ~event.bit }
                if starts[starts.count - 1] == event.point {
                    masks[masks.count - 1] = mask
                } else {
                    starts.append(event.point)
                    masks.append(mask)
                }
            }
        }

        /// The sets holding every address of `low...high`, and those holding only some.
        func membership(_ low: UInt64, _ high: UInt64) -> (inside: UInt32, partial: UInt32) {
            var first = segment(holding: low)
            let last = segment(holding: high)
            var all = UInt32.max
            var any: UInt32 = 0
            while first <= last {
                all &= masks[first]
                any |= masks[first]
                first += 1
            }
            return (all, any & ~all)
        }

        /// The index of the segment that holds `point`.
        private func segment(holding point: UInt64) -> Int {
            var low = 0
            var high = starts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= point { low = middle } else { high = middle - 1 }
            }
            return low
        }
    }

    /// Builds the trie depth first, storing each distinct node once.
    fileprivate struct Builder {
        var inner: [UInt32] = []
        var leaves: [UInt8] = []
        var insideOfClass: [UInt32] = []
        var partialOfClass: [UInt32] = []
        /// More classes than a byte names: no table, every lookup scans its intervals.
        var failed = false
        private var classOfKey: [UInt64: UInt8] = [:]
        private var innerOffsets: [[UInt32]: UInt32] = [:]
        private var leafOffsets: [[UInt8]: UInt32] = [:]
        /// By depth and class: the offset of the node that is that class throughout.
        private var uniform: [Int: UInt32] = [:]
        private var refinedNodes = 0
        private let budget: Int

        init(budget: Int) { self.budget = budget }

        mutating func build(_ segments: Segments) {
            // The root goes first, at offset 0: reserve it, fill it last.
            inner = Array(repeating: 0, count: 256)
            var root: [UInt32] = []
            for byte in 0..<256 {
                root.append(node(depth: 1, base: UInt64(byte) << 24, segments))
                if failed { return }
            }
            inner.replaceSubrange(0..<256, with: root)
        }

        /// The offset of the node at `depth` (1 to 3) covering the addresses from `base` on.
        private mutating func node(depth: Int, base: UInt64, _ segments: Segments) -> UInt32 {
            let span = UInt64(1) << UInt64(8 * (4 - depth))
            let (inside, partial) = segments.membership(base, base + span - 1)
            if partial != 0 && refinedNodes < budget {
                refinedNodes += 1
                let step = span >> 8
                if depth == 3 {
                    var entries: [UInt8] = []
                    for byte in 0..<UInt64(256) {
                        let (inside, partial) = segments.membership(base + byte, base + byte)
                        entries.append(classOf(inside, partial))
                    }
                    return store(leaf: entries)
                }
                var entries: [UInt32] = []
                for byte in 0..<UInt64(256) {
                    entries.append(node(depth: depth + 1, base: base + byte * step, segments))
                    if failed { return 0 }
                }
                return store(inner: entries)
            }
            return uniformNode(depth: depth, classOf(inside, partial))
        }

        /// The node at `depth` that is class `addressClass` throughout, and those below it.
        private mutating func uniformNode(depth: Int, _ addressClass: UInt8) -> UInt32 {
            let key = depth << 8 | Int(addressClass)
            if let known = uniform[key] { return known }
            let offset =
                depth == 3
                ? store(leaf: Array(repeating: addressClass, count: 256))
                : store(inner: Array(repeating: uniformNode(depth: depth + 1, addressClass), count: 256))
            uniform[key] = offset
            return offset
        }

        private mutating func store(inner entries: [UInt32]) -> UInt32 {
            Self.store(entries, in: &inner, offsets: &innerOffsets)
        }

        private mutating func store(leaf entries: [UInt8]) -> UInt32 {
            Self.store(entries, in: &leaves, offsets: &leafOffsets)
        }

        /// Appends a node to its level's storage, unless an equal one is stored already.
        private static func store<Entry: Hashable>(
            _ entries: [Entry], in storage: inout [Entry], offsets: inout [[Entry]: UInt32]
        ) -> UInt32 {
            if let known = offsets[entries] { return known }
            let offset = UInt32(storage.count)
            storage += entries
            offsets[entries] = offset
            return offset
        }

        private mutating func classOf(_ inside: UInt32, _ partial: UInt32) -> UInt8 {
            let key = UInt64(inside) << 32 | UInt64(partial)
            if let known = classOfKey[key] { return known }
            guard insideOfClass.count < 256 else {
                failed = true
                return 0
            }
            let index = UInt8(insideOfClass.count)
            classOfKey[key] = index
            insideOfClass.append(inside)
            partialOfClass.append(partial)
            return index
        }
    }
}
