public import FlowCore

/// A small direct-mapped cache per text column, from a token's bytes to its ``Symbol``, in front
/// of the decoder's ``LocalInterner``.
///
/// Ids such as interface, subnet and instance ids take a few dozen distinct values that recur in
/// any order: a cache of the previous line's value missed on most lines of a busy VPC's log, and
/// each miss cost a full hash-table probe. Here a token's last eight bytes (where ids differ) pick
/// one of 256 entries per column, and a hit costs that load, one multiply and a compare of at most
/// five words. Raw memory, not arrays: array accesses on this path paid uniqueness and bounds
/// checks on every line.
final class TokenSymbolCache {
    /// Longest token cached; longer ones (ECS task ARNs, say) go to the interner every time.
    static let widest = 40
    private static let entriesPerColumn = 256
    private static let entrySize = 48  // length (4), symbol (4), bytes (40)
    private let storage: UnsafeMutableRawPointer
    private let columns: Int

    init(columns: Int) {
        self.columns = max(1, columns)
        let size = self.columns * Self.entriesPerColumn * Self.entrySize
        storage = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    }

    deinit { storage.deallocate() }

    /// The symbol of the `count` bytes at `bytes` in `column`, from the cache or else from
    /// `interner` (and then cached).
    @inline(__always)
    func symbol(
        column: Int, _ bytes: UnsafePointer<UInt8>, count: Int, interner: inout LocalInterner
    ) -> Symbol {
        guard count <= Self.widest, count > 0, column < columns else {
            return interner.intern(UnsafeBufferPointer(start: bytes, count: count))
        }
        return knownSymbol(column: column, bytes, count: count, interner: &interner)
    }

    /// ``symbol(column:_:count:interner:)`` for a caller that guarantees
    /// `0 < count <= widest` and a column below the cache's count, as the default-layout run does.
    @inline(__always)
    func knownSymbol(
        column: Int, _ bytes: UnsafePointer<UInt8>, count: Int, interner: inout LocalInterner
    ) -> Symbol {
        let entry = storage + (column &* Self.entriesPerColumn &+ Self.slot(bytes, count)) &* Self.entrySize
        if Int(entry.load(as: UInt32.self)) == count && SWARParsing.equal(entry + 8, UnsafeRawPointer(bytes), count) {
            return Symbol(id: entry.load(fromByteOffset: 4, as: UInt32.self))
        }
        return Self.fill(entry, bytes, count: count, interner: &interner)
    }

    /// A miss: interns the token and stores it in `entry`. Kept out of line so that the hit path
    /// stays small enough to inline into the decoder's loop.
    @inline(never)
    private static func fill(
        _ entry: UnsafeMutableRawPointer, _ bytes: UnsafePointer<UInt8>, count: Int, interner: inout LocalInterner
    ) -> Symbol {
        let symbol = interner.intern(UnsafeBufferPointer(start: bytes, count: count))
        entry.storeBytes(of: UInt32(count), as: UInt32.self)
        entry.storeBytes(of: symbol.id, toByteOffset: 4, as: UInt32.self)
        (entry + 8).copyMemory(from: bytes, byteCount: count)
        return symbol
    }

    /// Entry index from the token's last eight bytes (or all of a shorter one) and its length.
    @inline(__always)
    private static func slot(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var key = UInt64(truncatingIfNeeded: count)
        if count >= 8 {
            key ^= UnsafeRawPointer(bytes + count - 8).loadUnaligned(as: UInt64.self)
        } else {
            for k in 0..<count { key ^= UInt64(bytes[k]) << UInt64(8 * k + 8) }
        }
        return Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56)
    }
}
