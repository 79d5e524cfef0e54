public import FlowCore

/// Traffic counters per IP address in an open-addressing table with a multiply-shift hash.
///
/// Dictionary's SipHash costs more than the rest of the per-record statistics together; flow
/// logs need no defence against hash flooding inside one process, so a cheap hash does.
public struct AddressTable: Sendable {
    private var keys: [IPAddress]
    private var used: [Bool]
    private var values: [TrafficCounter]
    public private(set) var count = 0

    public init(capacity: Int = 4096) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        keys = [IPAddress](repeating: .zero, count: size)
        used = [Bool](repeating: false, count: size)
        values = [TrafficCounter](repeating: TrafficCounter(), count: size)
    }

    @inline(__always)
    static func slot(_ address: IPAddress, mask: Int) -> Int {
        let mixed = (address.low &* 0x9E37_79B9_7F4A_7C15) ^ (address.high &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: mixed >> 32 ^ mixed) & mask
    }

    @inline(__always)
    public mutating func add(_ address: IPAddress, packets: UInt64, bytes: UInt64) {
        let mask = keys.count - 1
        var index = Self.slot(address, mask: mask)
        while used[index] {
            if keys[index] == address {
                values[index].add(packets: packets, bytes: bytes)
                return
            }
            index = (index + 1) & mask
        }
        used[index] = true
        keys[index] = address
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
        keys = [IPAddress](repeating: .zero, count: size)
        used = [Bool](repeating: false, count: size)
        values = [TrafficCounter](repeating: TrafficCounter(), count: size)
        let mask = size - 1
        for i in oldKeys.indices where oldUsed[i] {
            var index = Self.slot(oldKeys[i], mask: mask)
            while used[index] { index = (index + 1) & mask }
            used[index] = true
            keys[index] = oldKeys[i]
            values[index] = oldValues[i]
        }
    }

    /// The `n` addresses with the largest `metric`, ties broken by address.
    public func top(_ n: Int, by metric: TrafficMetric) -> [(IPAddress, TrafficCounter)] {
        var entries: [(IPAddress, TrafficCounter)] = []
        entries.reserveCapacity(count)
        for i in keys.indices where used[i] { entries.append((keys[i], values[i])) }
        return Array(
            entries.sorted {
                let a = metric.value($0.1)
                let b = metric.value($1.1)
                return a != b ? a > b : $0.0 < $1.0
            }.prefix(n))
    }

    /// Every entry, unordered.
    public var entries: [(IPAddress, TrafficCounter)] {
        keys.indices.filter { used[$0] }.map { (keys[$0], values[$0]) }
    }
}
