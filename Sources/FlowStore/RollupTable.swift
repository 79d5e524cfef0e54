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

    /// A key with its sums, side by side: an add touches one cache line, where separate key and
    /// sum arrays cost two misses once the table outgrows the caches.
    private struct Slot {
        var key: UInt64
        var counts: Counts
    }

    private var slots: [Slot]
    private var shift: UInt64
    private(set) var packedCount = 0
    private var others: [Key: Counts] = [:]

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(key: Self.empty, counts: Counts()), count: size)
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
        let shift = self.shift
        let isNew = slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            var isNew = false
            while true {
                let found = slots[slot].key
                if found == key { break }
                if found == Self.empty {
                    slots[slot].key = key
                    isNew = true
                    break
                }
                slot = (slot + 1) & mask
            }
            slots[slot].counts.add(flows: sums.flows, packets: sums.packets, bytes: sums.bytes)
            return isNew
        }
        if isNew {
            packedCount += 1
            if packedCount * 2 > slots.count { grow() }
        }
    }

    private mutating func grow() {
        let old = slots
        let size = slots.count * 2
        slots = Array(repeating: Slot(key: Self.empty, counts: Counts()), count: size)
        shift -= 1
        let mask = size - 1
        for entry in old where entry.key != Self.empty {
            var slot = Int(truncatingIfNeeded: (entry.key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while slots[slot].key != Self.empty { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }

    /// Every key with its sums (keys whose flows were all taken away included, with zero flows).
    func forEach<Failure: Error>(_ body: (Key, Counts) throws(Failure) -> Void) throws(Failure) {
        for entry in slots where entry.key != Self.empty {
            let key = entry.key
            let packedValue = key & Self.valueMask
            try body(
                Key(
                    dimension: UInt8(truncatingIfNeeded: key >> (Self.valueBits + Self.hourBits)),
                    hour: Int64((key >> Self.valueBits) & ((1 << Self.hourBits) - 1)) * 3600,
                    value: packedValue == Self.packedAbsent ? Self.absent : packedValue),
                entry.counts)
        }
        for (key, value) in others { try body(key, value) }
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
