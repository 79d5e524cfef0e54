import FlowCore

/// An open-addressing index from grouping keys to dense slot numbers, for per-key state kept
/// in flat arrays.
///
/// Detectors update state for nearly every outbound record; `Dictionary` hashes a three-address
/// key with SipHash and a class per key costs an allocation and a reference count on every
/// touch. Here a key costs one multiply-mix hash and a linear probe, and the state lives in the
/// owner's arrays (struct of arrays) at the slot the index hands out. Slots are dense, numbered
/// in order of first insertion, and stay stable until `compact(keeping:)` renumbers them.
struct KeyIndex {
    /// The key of each slot.
    private(set) var keys: [WindowKey] = []
    /// Slot number plus one per bucket; 0 marks an empty bucket.
    private var buckets: [Int32]
    private var mask: Int

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        buckets = Array(repeating: 0, count: size)
        mask = size - 1
        keys.reserveCapacity(capacity)
    }

    var count: Int { keys.count }

    /// The slot of `key`, if it has one.
    func slot(of key: WindowKey) -> Int? {
        var bucket = Self.hash(key) & mask
        while true {
            let entry = Int(buckets[bucket])
            if entry == 0 { return nil }
            if keys[entry - 1] == key { return entry - 1 }
            bucket = (bucket + 1) & mask
        }
    }

    /// The slot of `key`, created (numbered `count`) when the key is new.
    mutating func insert(_ key: WindowKey) -> (slot: Int, inserted: Bool) {
        var bucket = Self.hash(key) & mask
        while true {
            let entry = Int(buckets[bucket])
            if entry == 0 { break }
            if keys[entry - 1] == key { return (entry - 1, false) }
            bucket = (bucket + 1) & mask
        }
        let slot = keys.count
        keys.append(key)
        buckets[bucket] = Int32(truncatingIfNeeded: slot + 1)
        // Keep the load at most one half, so probes stay short.
        if keys.count * 2 > buckets.count { rehash(size: buckets.count * 2) }
        return (slot, true)
    }

    /// Keeps the slots for which `keep` is true, renumbered densely in their old order.
    ///
    /// - Returns: The old slot number of each new slot, for the owner to compact its arrays.
    @discardableResult
    mutating func compact(keeping keep: (Int) -> Bool) -> [Int] {
        var kept: [Int] = []
        for slot in keys.indices where keep(slot) { kept.append(slot) }
        guard kept.count != keys.count else { return kept }
        keys = kept.map { keys[$0] }
        var size = 16
        while size < keys.count * 2 { size <<= 1 }
        // Shrink with the state, but not below what half the old load would need.
        rehash(size: max(size, min(buckets.count, size * 4)))
        return kept
    }

    mutating func removeAll() {
        keys.removeAll()
        rehash(size: 16)
    }

    private mutating func rehash(size: Int) {
        buckets = Array(repeating: 0, count: size)
        mask = size - 1
        for (slot, key) in keys.enumerated() {
            var bucket = Self.hash(key) & mask
            while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
            buckets[bucket] = Int32(truncatingIfNeeded: slot + 1)
        }
    }

    /// A multiply-xorshift mix of the six words: cheap, and good enough for linear probing on
    /// addresses, which differ mostly in their low bits.
    @inline(__always)
    static func hash(_ key: WindowKey) -> Int {
        var h = key.a.low &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ key.a.high ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ key.b.low ^ (h >> 31)) &* 0x94D0_49BB_1331_11EB
        h = (h ^ key.b.high ^ (h >> 29)) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ key.c.low ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ key.c.high ^ (h >> 29)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }
}

extension Array {
    /// Keeps the elements at `kept` (ascending positions, as ``KeyIndex/compact(keeping:)``
    /// returns them), in order, moved to the front, and drops the rest.
    ///
    /// Moved in place: building a new array of the kept elements retained each one and released
    /// the old array's, every sweep, for every key still open; so did the array's own `swapAt`
    /// (2.5% of a scan's samples in retain and release), which the buffer's moves do not.
    mutating func keepInPlace(_ kept: [Int]) {
        guard kept.count != count else { return }
        // Everything between a kept element's new and old position is dropped, so swapping
        // moves kept elements forward in order and dropped ones back.
        withUnsafeMutableBufferPointer { buffer in
            for (position, old) in kept.enumerated() where position != old { buffer.swapAt(position, old) }
        }
        removeLast(count - kept.count)
    }
}
