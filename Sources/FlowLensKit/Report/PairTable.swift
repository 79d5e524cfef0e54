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

    private var keys: [Pair]
    private var used: [Bool]
    private var values: [TrafficCounter]
    public private(set) var count = 0

    public init(capacity: Int = 4096) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        keys = [Pair](repeating: Pair(source: .zero, destination: .zero), count: size)
        used = [Bool](repeating: false, count: size)
        values = [TrafficCounter](repeating: TrafficCounter(), count: size)
    }

    @inline(__always)
    static func slot(_ s: IPAddress, _ d: IPAddress, mask: Int) -> Int {
        var mixed = (s.low &* 0x9E37_79B9_7F4A_7C15) ^ (s.high &* 0xC2B2_AE3D_27D4_EB4F)
        mixed ^= (d.low &* 0xD6E8_FEB8_6659_FD93) ^ (d.high &* 0x1656_67B1_9E37_79F9)
        return Int(truncatingIfNeeded: mixed >> 29 ^ mixed) & mask
    }

    @inline(__always)
    public mutating func add(_ source: IPAddress, _ destination: IPAddress, packets: UInt64, bytes: UInt64) {
        let mask = keys.count - 1
        var index = Self.slot(source, destination, mask: mask)
        while used[index] {
            if keys[index].source == source && keys[index].destination == destination {
                values[index].add(packets: packets, bytes: bytes)
                return
            }
            index = (index + 1) & mask
        }
        used[index] = true
        keys[index] = Pair(source: source, destination: destination)
        values[index] = TrafficCounter()
        values[index].add(packets: packets, bytes: bytes)
        count += 1
        if count * 2 > keys.count { grow() }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldUsed = used
        let oldValues = values
        let size = keys.count * 2
        keys = [Pair](repeating: Pair(source: .zero, destination: .zero), count: size)
        used = [Bool](repeating: false, count: size)
        values = [TrafficCounter](repeating: TrafficCounter(), count: size)
        let mask = size - 1
        for i in oldKeys.indices where oldUsed[i] {
            var index = Self.slot(oldKeys[i].source, oldKeys[i].destination, mask: mask)
            while used[index] { index = (index + 1) & mask }
            used[index] = true
            keys[index] = oldKeys[i]
            values[index] = oldValues[i]
        }
    }

    /// The `n` pairs with the largest `metric`, ties broken by the addresses.
    public func top(_ n: Int, by metric: TrafficMetric) -> [(Pair, TrafficCounter)] {
        var entries: [(Pair, TrafficCounter)] = []
        entries.reserveCapacity(count)
        for i in keys.indices where used[i] { entries.append((keys[i], values[i])) }
        return Array(
            entries.sorted {
                let a = metric.value($0.1)
                let b = metric.value($1.1)
                if a != b { return a > b }
                if $0.0.source != $1.0.source { return $0.0.source < $1.0.source }
                return $0.0.destination < $1.0.destination
            }.prefix(n))
    }
}
