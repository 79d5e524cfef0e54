public import FlowCore
import CMemory

/// Traffic counters per IP address in an open-addressing table with a multiply-shift hash.
///
/// Dictionary's SipHash costs more than the rest of the per-record statistics together; flow
/// logs need no defence against hash flooding inside one process, so a cheap hash does. Key and
/// counters sit together in one slot, so a probe touches one cache line; a slot with no flows is
/// free (every address added has at least one).
public struct AddressTable: Sendable {
    private struct Slot {
        var address: IPAddress = .zero
        var counter = TrafficCounter()
    }

    private var slots: [Slot]
    public private(set) var count = 0

    public init(capacity: Int = 4096) {
        var size = 64
        while size * 3 < capacity * 4 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
    }

    @inline(__always)
    static func slot(_ address: IPAddress, mask: Int) -> Int {
        let mixed = (address.low &* 0x9E37_79B9_7F4A_7C15) ^ (address.high &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: mixed >> 32 ^ mixed) & mask
    }

    @inline(__always)
    public mutating func add(_ address: IPAddress, packets: UInt64, bytes: UInt64) {
        add(address, TrafficCounter(flows: 1, packets: packets, bytes: bytes))
    }

    @inline(__always)
    public mutating func add(_ address: IPAddress, _ counter: TrafficCounter) {
        let inserted = slots.withUnsafeMutableBufferPointer { table -> Bool in
            let mask = table.count - 1
            var index = Self.slot(address, mask: mask)
            while table[index].counter.flows != 0 {
                if table[index].address == address {
                    table[index].counter.add(counter)
                    return false
                }
                index = (index + 1) & mask
            }
            table[index] = Slot(address: address, counter: counter)
            return true
        }
        if inserted {
            count += 1
            // Filled up to three quarters: a day of internet clients is hundreds of thousands of
            // addresses, and at half full the two tables of `scan` took most of its memory.
            if count * 4 > slots.count * 3 { grow() }
        }
    }

    /// Starts loading the address's home slot into the cache, so that a coming `add` finds it
    /// there (see `TrafficStatistics.add(_:)`).
    @inline(__always)
    public func prefetch(_ address: IPAddress) {
        slots.withUnsafeBufferPointer {
            flowlens_prefetch_for_write($0.baseAddress! + Self.slot(address, mask: $0.count - 1))
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.counter.flows != 0 {
            var index = Self.slot(slot.address, mask: mask)
            while slots[index].counter.flows != 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }

    /// The `n` addresses with the largest `metric`, ties broken by address.
    public func top(_ n: Int, by metric: TrafficMetric) -> [(IPAddress, TrafficCounter)] {
        let used = slots.lazy.filter { $0.counter.flows != 0 }.map { ($0.address, $0.counter) }
        return selectTop(n, of: used) {
            let a = metric.value($0.1)
            let b = metric.value($1.1)
            return a != b ? a > b : $0.0 < $1.0
        }
    }

    /// Every entry, unordered.
    public var entries: [(IPAddress, TrafficCounter)] {
        slots.filter { $0.counter.flows != 0 }.map { ($0.address, $0.counter) }
    }
}
