public import FlowCore

/// Traffic counters per (source, destination) pair in an open-addressing table.
///
/// The same multiply-shift hashing as ``AddressTable``: one probe per record, no allocation
/// except when the table doubles.
public struct PairTable: Sendable {
    public struct Pair: Sendable, Hashable {
        public var source: IPAddress
        public var destination: IPAddress
    }

    // One array of slots, key and counters together, so that a probe touches one cache line;
    // the table outgrows the caches on busy VPCs. A slot is empty while its flow count is 0.
    private struct Slot {
        var pair: Pair
        var counter: TrafficCounter
    }

    private var slots: [Slot]
    public private(set) var count = 0

    public init(capacity: Int = 4096) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Self.empty, count: size)
    }

    private static let empty = Slot(pair: Pair(source: .zero, destination: .zero), counter: TrafficCounter())

    @inline(__always)
    static func slot(_ s: IPAddress, _ d: IPAddress, mask: Int) -> Int {
        var mixed = (s.low &* 0x9E37_79B9_7F4A_7C15) ^ (s.high &* 0xC2B2_AE3D_27D4_EB4F)
        mixed ^= (d.low &* 0xD6E8_FEB8_6659_FD93) ^ (d.high &* 0x1656_67B1_9E37_79F9)
        return Int(truncatingIfNeeded: mixed >> 29 ^ mixed) & mask
    }

    @inline(__always)
    public mutating func add(_ source: IPAddress, _ destination: IPAddress, packets: UInt64, bytes: UInt64) {
        let inserted = slots.withUnsafeMutableBufferPointer { slots -> Bool in
            let mask = slots.count - 1
            var index = Self.slot(source, destination, mask: mask)
            while slots[index].counter.flows != 0 {
                if slots[index].pair.source == source && slots[index].pair.destination == destination {
                    slots[index].counter.add(packets: packets, bytes: bytes)
                    return false
                }
                index = (index + 1) & mask
            }
            slots[index].pair = Pair(source: source, destination: destination)
            slots[index].counter.add(packets: packets, bytes: bytes)
            return true
        }
        if inserted {
            count += 1
            if count * 2 > slots.count { grow() }
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Self.empty, count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.counter.flows != 0 {
            var index = Self.slot(slot.pair.source, slot.pair.destination, mask: mask)
            while slots[index].counter.flows != 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }

    /// The `n` pairs with the largest `metric`, ties broken by the addresses.
    public func top(_ n: Int, by metric: TrafficMetric) -> [(Pair, TrafficCounter)] {
        let used = slots.lazy.filter { $0.counter.flows != 0 }.map { ($0.pair, $0.counter) }
        return selectTop(n, of: used) { a, b in
            let x = metric.value(a.1)
            let y = metric.value(b.1)
            if x != y { return x > y }
            if a.0.source != b.0.source { return a.0.source < b.0.source }
            return a.0.destination < b.0.destination
        }
    }
}
