/// Hourly rollup sums in memory: flows, packets and bytes per (dimension, hour, key), where the
/// key is an address id, a port, a protocol, an interface symbol id or an action.
///
/// Six keys are added for every record ingested, so this is an open-addressing table over keys
/// packed into one `UInt64` with a multiplicative hash; Swift's `Dictionary` hashes with SipHash,
/// which cost more than SQLite's own work per row. A key that does not pack (an hour before 1970
/// or after 3900, a value of 37 bits or more) goes to a `Dictionary` on the side.
struct RollupTable {
    struct Key: Hashable {
        var dimension: UInt8
        var hour: Int64
        /// Address id, port, protocol, interface symbol id or action; ``RollupTable/absent`` when
        /// the record has no value.
        var value: UInt64
    }

    struct Counts {
        var flows: Int64 = 0
        var packets: Int64 = 0
        var bytes: Int64 = 0
    }

    /// The key value of an absent field.
    static let absent = UInt64.max

    private static let valueBits: UInt64 = 37
    private static let hourBits: UInt64 = 24
    private static let valueMask: UInt64 = (1 << valueBits) - 1
    private static let packedAbsent: UInt64 = valueMask
    private static let empty = UInt64.max

    private var keys: [UInt64]
    private var counts: [Counts]
    private var shift: UInt64
    private(set) var packedCount = 0
    private var others: [Key: Counts] = [:]

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: Self.empty, count: size)
        counts = Array(repeating: Counts(), count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    var isEmpty: Bool { packedCount == 0 && others.isEmpty }

    /// Adds one record's packets and bytes (`sign` 1) or takes them away (`sign` -1).
    @inline(__always)
    mutating func add(_ dimension: UInt8, hour: Int64, value: UInt64, packets: Int64, bytes: Int64, sign: Int64 = 1) {
        add(dimension, hour: hour, value: value, Counts(flows: sign, packets: packets &* sign, bytes: bytes &* sign))
    }

    /// Adds sums to a key.
    @inline(__always)
    mutating func add(_ dimension: UInt8, hour: Int64, value: UInt64, _ sums: Counts) {
        let hourIndex = hour / 3600
        guard hourIndex >= 0, hourIndex < 1 << Self.hourBits, value == Self.absent || value < Self.packedAbsent
        else {
            others[Key(dimension: dimension, hour: hour, value: value), default: Counts()].add(
                flows: sums.flows, packets: sums.packets, bytes: sums.bytes)
            return
        }
        let packedValue = value == Self.absent ? Self.packedAbsent : value
        let key = UInt64(dimension) << (Self.valueBits + Self.hourBits) | UInt64(hourIndex) << Self.valueBits | packedValue
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        let mask = keys.count - 1
        while true {
            let found = keys[slot]
            if found == key { break }
            if found == Self.empty {
                keys[slot] = key
                packedCount += 1
                if packedCount * 2 > keys.count {
                    grow()
                    add(dimension, hour: hour, value: value, sums)
                    return
                }
                break
            }
            slot = (slot + 1) & mask
        }
        counts[slot].add(flows: sums.flows, packets: sums.packets, bytes: sums.bytes)
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldCounts = counts
        let size = keys.count * 2
        keys = Array(repeating: Self.empty, count: size)
        counts = Array(repeating: Counts(), count: size)
        shift -= 1
        let mask = size - 1
        for (index, key) in oldKeys.enumerated() where key != Self.empty {
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[slot] != Self.empty { slot = (slot + 1) & mask }
            keys[slot] = key
            counts[slot] = oldCounts[index]
        }
    }

    /// Every key with its sums (keys whose flows were all taken away included, with zero flows).
    func forEach(_ body: (Key, Counts) throws(StoreError) -> Void) throws(StoreError) {
        for (index, key) in keys.enumerated() where key != Self.empty {
            let packedValue = key & Self.valueMask
            try body(
                Key(
                    dimension: UInt8(truncatingIfNeeded: key >> (Self.valueBits + Self.hourBits)),
                    hour: Int64((key >> Self.valueBits) & ((1 << Self.hourBits) - 1)) * 3600,
                    value: packedValue == Self.packedAbsent ? Self.absent : packedValue),
                counts[index])
        }
        for (key, value) in others { try body(key, value) }
    }

    mutating func removeAll() {
        if packedCount > 0 {
            for index in keys.indices { keys[index] = Self.empty }
            for index in counts.indices { counts[index] = Counts() }
        }
        packedCount = 0
        others.removeAll()
    }
}

extension RollupTable.Counts {
    @inline(__always)
    mutating func add(flows: Int64, packets: Int64, bytes: Int64) {
        self.flows &+= flows
        self.packets &+= packets
        self.bytes &+= bytes
    }
}
