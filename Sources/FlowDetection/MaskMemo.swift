/// The reports of recently seen atom masks, for ``MatchPlan``'s walk: a small direct-mapped
/// table, kept from one call to the next so that a caller matching a batch in blocks does not
/// start each block with an empty table (a block repeats the few hundred masks of its batch).
///
/// Not thread-safe: one per thread that matches.
final class MaskMemo {
    static let slotBits = 10
    /// By slot: the mask remembered there; all ones marks a free slot (a mask never has bit 63
    /// set, see `NativeAtoms.capacity`).
    let keys: UnsafeMutableBufferPointer<UInt64>
    /// By slot: `words` words of the remembered mask's reports.
    let reports: UnsafeMutablePointer<UInt64>

    init(words: Int) {
        keys = .allocate(capacity: 1 << Self.slotBits)
        keys.initialize(repeating: .max)
        reports = .allocate(capacity: (1 << Self.slotBits) * words)
    }

    deinit {
        keys.deallocate()
        reports.deallocate()
    }
}
