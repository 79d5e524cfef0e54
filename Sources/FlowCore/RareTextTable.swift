import Synchronization

/// The rare text fields of one record (Transit Gateway, ECS, v8's reject reason and resource id),
/// indexed by ``FlowField/rareTextSlot``; ``Symbol/empty`` where a field is absent.
public typealias RareTexts = InlineArray<26, Symbol>

/// The process-wide, append-only table of rare text combinations that records point into with
/// ``FlowRecord/rareTexts``.
///
/// A record of a Transit Gateway or ECS log carries 26 more text fields than a VPC record of
/// versions 2 to 5. Held in every record they made every record 104 bytes larger; held here, a
/// record carries one 32-bit id, and a combination (the ids of one attachment, subnet pair or
/// task) is stored once. Id 0 is the combination with no field set. Decoders keep the last
/// combination they interned, so the lock is taken when the combination changes.
public final class RareTextTable: Sendable {
    public static let shared = RareTextTable()

    /// A combination as a dictionary key: compared and hashed by its bytes.
    private struct Key: Hashable {
        var texts: RareTexts

        static func == (lhs: Key, rhs: Key) -> Bool { RareTextTable.equal(lhs.texts, rhs.texts) }

        func hash(into hasher: inout Hasher) {
            var copy = texts
            withUnsafeBytes(of: &copy) { hasher.combine(bytes: $0) }
        }
    }

    private struct State {
        var combinations: [RareTexts] = [RareTexts(repeating: .empty)]
        var ids: [Key: UInt32] = [Key(texts: RareTexts(repeating: .empty)): 0]
    }

    private let state = Mutex(State())

    /// The id of a combination, interning it the first time.
    public func id(for texts: RareTexts) -> UInt32 {
        state.withLock { state in
            let key = Key(texts: texts)
            if let id = state.ids[key] { return id }
            let id = UInt32(state.combinations.count)
            state.combinations.append(texts)
            state.ids[key] = id
            return id
        }
    }

    /// The combination with this id.
    public func texts(_ id: UInt32) -> RareTexts {
        state.withLock { $0.combinations[Int(id)] }
    }

    /// One field of the combination with this id, by its ``FlowField/rareTextSlot``; id 0 (no
    /// rare field) without taking the lock.
    @inlinable
    public func text(_ id: UInt32, slot: Int) -> Symbol {
        id == 0 ? .empty : symbol(id, slot)
    }

    @usableFromInline func symbol(_ id: UInt32, _ slot: Int) -> Symbol {
        state.withLock { $0.combinations[Int(id)][slot] }
    }

    /// Whether two combinations hold the same symbols, compared eight bytes at a time (a
    /// decoder compares each record's combination with the previous one).
    @inline(__always)
    public static func equal(_ lhs: RareTexts, _ rhs: RareTexts) -> Bool {
        var (left, right) = (lhs, rhs)
        return withUnsafeBytes(of: &left) { l in
            withUnsafeBytes(of: &right) { r in
                var offset = 0
                while offset < l.count {
                    if l.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                        != r.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    {
                        return false
                    }
                    offset += 8
                }
                return true
            }
        }
    }
}
