import CMemory
import FlowCore

/// An open-addressing index from grouping keys to dense slot numbers, for per-key state kept
/// in flat arrays.
///
/// Detectors update state for nearly every outbound record; `Dictionary` hashes a three-address
/// key with SipHash and a class per key costs an allocation and a reference count on every
/// touch. Here a key costs one multiply-mix hash and a linear probe, and the state lives in the
/// owner's arrays (struct of arrays) at the slot the index hands out. Slots are dense, numbered
/// in order of first insertion, and stay stable until `compact(keeping:)` renumbers them.
///
/// Each bucket holds the upper 32 bits of its key's hash beside the slot. A probe reads a key only
/// when those bits agree, so a new key (most keys of scanner noise are seen once) costs the one
/// cache miss on its bucket, where comparing the key of every occupied bucket on the way cost a
/// second one; callers that know their keys ahead can ``prefetch(hash:)`` the bucket.
struct KeyIndex {
    /// The key of each slot.
    private(set) var keys: [WindowKey] = []
    /// Per bucket: 0 when empty, else the hash's upper 32 bits (upper half) and the slot number
    /// plus one (lower half).
    private var buckets: [UInt64]
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
        let hash = Self.hash(key)
        let tag = UInt64(truncatingIfNeeded: hash) >> 32
        var bucket = hash & mask
        while true {
            let entry = buckets[bucket]
            if entry == 0 { return nil }
            let slot = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
            if entry >> 32 == tag && keys[slot] == key { return slot }
            bucket = (bucket + 1) & mask
        }
    }

    /// The slot of `key`, created (numbered `count`) when the key is new.
    @inline(__always)
    mutating func insert(_ key: WindowKey) -> (slot: Int, inserted: Bool) {
        insert(key, hash: Self.hash(key))
    }

    /// ``insert(_:)`` with the key's ``hash(_:)`` worked out by the caller (for a prefetch).
    mutating func insert(_ key: WindowKey, hash: Int) -> (slot: Int, inserted: Bool) {
        let tag = UInt64(truncatingIfNeeded: hash) >> 32
        var bucket = hash & mask
        while true {
            let entry = buckets[bucket]
            if entry == 0 { break }
            let slot = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
            if entry >> 32 == tag && keys[slot] == key { return (slot, false) }
            bucket = (bucket + 1) & mask
        }
        let slot = keys.count
        keys.append(key)
        buckets[bucket] = tag << 32 | UInt64(slot + 1)
        // Keep the load at most one half, so probes stay short.
        if keys.count * 2 > buckets.count { rehash(size: buckets.count * 2) }
        return (slot, true)
    }

    /// Starts loading the bucket where a key with this ``hash(_:)`` is looked up first.
    @inline(__always)
    func prefetch(hash: Int) {
        buckets.withUnsafeBufferPointer { flowlens_prefetch_for_write($0.baseAddress! + (hash & mask)) }
    }

    /// Keeps the slots for which `keep` is true, renumbered densely in their old order.
    ///
    /// - Returns: The old slot number of each new slot, for the owner to compact its arrays.
    @discardableResult
    mutating func compact(keeping keep: (Int) -> Bool) -> [Int] {
        var kept: [Int] = []
        for slot in keys.indices where keep(slot) { kept.append(slot) }
        guard kept.count != keys.count else { return kept }
        keys.keepInPlace(kept)
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

    /// Puts every key back into `size` buckets: into the same array, cleared, when the size
    /// stays (a sweep that drops some keys), so as not to allocate and fault in a new one.
    ///
    /// Walks the keys rather than the buckets: after a sweep most buckets are empty, and a walk
    /// over them (tried: renumbering entries in place, run by run) cost more than hashing the
    /// keys again.
    private mutating func rehash(size: Int) {
        if size == buckets.count {
            buckets.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            buckets = Array(repeating: 0, count: size)
        }
        mask = size - 1
        let mask = mask
        buckets.withUnsafeMutableBufferPointer { buckets in
            keys.withUnsafeBufferPointer { keys in
                for slot in keys.indices {
                    let hash = Self.hash(keys[slot])
                    var bucket = hash & mask
                    while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
                    buckets[bucket] = UInt64(truncatingIfNeeded: hash) & 0xFFFF_FFFF_0000_0000 | UInt64(slot + 1)
                }
            }
        }
    }

    /// A multiply-xorshift mix of the six words: cheap, and good enough for linear probing on
    /// addresses, which differ mostly in their low bits. The low bits pick the bucket and the upper
    /// 32 are kept in it to tell keys apart.
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
    /// Elements without references are copied over; others are swapped, or moved with
    /// ``keepInPlace(_:refilling:)``.
    mutating func keepInPlace(_ kept: [Int]) {
        guard kept.count != count else { return }
        withUnsafeMutableBufferPointer { buffer in
            if _isPOD(Element.self) {
                for (position, old) in kept.enumerated() where position != old { buffer[position] = buffer[old] }
                return
            }
            // Everything between a kept element's new and old position is dropped, so swapping
            // moves kept elements forward in order and dropped ones back.
            for (position, old) in kept.enumerated() where position != old { buffer.swapAt(position, old) }
        }
        removeLast(count - kept.count)
    }

    /// ``keepInPlace(_:)`` for large elements with references: each kept element is moved
    /// once (a swap copies it three times: a sweep of a windowed rule moves nearly every open
    /// window, and its copies were 1% of a scan's samples), a dropped one is destroyed before
    /// one moves onto it, and `filler` takes the place of each kept element moved out of the
    /// part that is dropped at the end.
    mutating func keepInPlace(_ kept: [Int], refilling filler: @autoclosure () -> Element) {
        guard kept.count != count else { return }
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // The next kept element's old position, to tell a moved-out one (whose place is
            // uninitialized) from a dropped one (to be destroyed).
            var nextKept = 0
            for (position, old) in kept.enumerated() where position != old {
                while kept[nextKept] < position { nextKept += 1 }
                if kept[nextKept] != position { (base + position).deinitialize(count: 1) }
                (base + position).moveInitialize(from: base + old, count: 1)
            }
            for old in kept.reversed() {
                guard old >= kept.count else { break }
                (base + old).initialize(to: filler())
            }
        }
        removeLast(count - kept.count)
    }
}
