/// A per-decoder cache from bytes to ``Symbol`` that avoids the shared lock and allocates only on
/// a miss.
///
/// Open addressing over a power-of-two table; keys are copied into one growing arena. Not
/// thread-safe: each decoder owns one.
public struct LocalInterner {
    private var slots: [Slot]
    private var arena: [UInt8] = []
    private var used = 0
    private let table: SymbolTable

    private struct Slot {
        var hash: UInt64 = 0
        var offset: Int32 = 0
        var length: Int32 = -1
        var symbol: Symbol = .empty
    }

    public init(table: SymbolTable = .shared, capacity: Int = 1024) {
        self.table = table
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        arena.reserveCapacity(capacity * 24)
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // FNV-1a style over 8-byte words, the last one overlapping the one before, so that a
        // typical id of 12 to 24 bytes takes two or three steps; ids differ in their last bytes.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        let count = bytes.count
        guard let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        if count >= 8 {
            var i = 0
            while i + 8 < count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100_0000_01b3
                h ^= h >> 29
                i += 8
            }
            h = (h ^ raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) &* 0x100_0000_01b3
            h ^= h >> 29
        } else {
            for i in 0..<count { h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3 }
        }
        return h ^ (h >> 32)
    }

    /// Returns the symbol for `bytes`, interning it on first sight.
    @inline(__always)
    public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Symbol {
        let h = LocalInterner.hash(bytes)
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: h) & mask
        let count = bytes.count
        while true {
            let slot = slots[index]
            if slot.length < 0 { break }
            if slot.hash == h && Int(slot.length) == count {
                let equal = arena.withUnsafeBufferPointer { arenaBytes in
                    memEqual(arenaBytes.baseAddress! + Int(slot.offset), bytes.baseAddress!, count)
                }
                if equal { return slot.symbol }
            }
            index = (index + 1) & mask
        }
        return insertMiss(bytes, hash: h, at: index)
    }

    private mutating func insertMiss(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, at index: Int) -> Symbol {
        let symbol = table.intern(bytes: bytes)
        let offset = arena.count
        arena.append(contentsOf: bytes)
        slots[index] = Slot(hash: hash, offset: Int32(offset), length: Int32(bytes.count), symbol: symbol)
        used += 1
        if used * 2 > slots.count { grow() }
        return symbol
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.length >= 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].length >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}

/// Byte equality of two ranges, eight bytes at a time.
@inlinable @inline(__always)
public func memEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
            != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
        {
            return false
        }
        i += 8
    }
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
