/// Collects one record's rare text fields as a decoder meets them, and gives the record's
/// ``FlowRecord/rareTexts`` id at its end.
///
/// Consecutive records of a Transit Gateway or ECS log mostly repeat their combination (one
/// attachment, one task), so the last combination and its id are kept and the shared table's lock
/// is taken only when the combination changes.
public struct RareTextBuilder: Sendable {
    private var texts = RareTexts(repeating: .empty)
    private var isEmpty = true
    private var lastTexts = RareTexts(repeating: .empty)
    private var lastID: UInt32 = 0

    public init() {}

    /// Sets one field, by its ``FlowField/rareTextSlot``.
    @inline(__always)
    public mutating func set(_ slot: Int, _ symbol: Symbol) {
        texts[slot] = symbol
        isEmpty = false
    }

    /// Forgets what was set (a line that turned out malformed).
    @inline(__always)
    public mutating func clear() {
        guard !isEmpty else { return }
        texts = RareTexts(repeating: .empty)
        isEmpty = true
    }

    /// The id of what was set since the last call (0 when nothing was), and starts over.
    @inline(__always)
    public mutating func finish() -> UInt32 {
        guard !isEmpty else { return 0 }
        if !RareTextTable.equal(texts, lastTexts) {
            lastTexts = texts
            lastID = RareTextTable.shared.id(for: texts)
        }
        clear()
        return lastID
    }
}
