import FlowCore

/// One step of a compiled filter: a test, and where to go next on each outcome.
///
/// `and`, `or` and `not` do not survive compilation; they become these jumps, as in a BPF
/// program, so evaluation is one loop with no recursion. A target below zero ends the run:
/// ``accept`` or ``reject``.
struct Instruction: Sendable {
    var test: Test
    var onTrue: Int32
    var onFalse: Int32

    static let accept: Int32 = -1
    static let reject: Int32 = -2
}

/// A test of one record: plain values only, so a program is a flat buffer that can be walked with
/// no reference counting, no existentials and no strings.
///
/// List items are indices into the program's tables. Fields are read at byte offsets into the
/// record, fixed when the filter is compiled, so a test is a load and a compare rather than a
/// switch over fields. Every test of a value first checks the field's presence bit, so an absent
/// field (`-`) never matches; `negate` flips only the match, not the presence check, which is what
/// makes `!=` and `not in` false on absent fields.
enum Test: Sendable {
    /// The presence mask shares a bit with each of the two masks (the same mask twice for most
    /// reads; the source and destination addresses for `initiator`).
    case present(UInt64, UInt64)
    /// `response` (`true`) or `request` (`false`): the record's sense is that one
    /// (``FlowRecord/isResponse``), and it has an address at each end.
    case sense(response: Bool)
    /// Never true: an empty range such as `dstport < 0`.
    case never
    /// Numeric field in one inclusive range; `=`, `<`, `>=` and friends all compile to this.
    case inRange(NumericRead, low: UInt64, high: UInt64, negate: Bool)
    /// Numeric field within any of `count` sorted, disjoint ranges starting at `start`.
    case inRanges(NumericRead, start: Int32, count: Int32, negate: Bool)
    /// Address within any of `count` sorted, disjoint intervals starting at `start`.
    case inIntervals(AddressRead, start: Int32, count: Int32, negate: Bool)
    /// Text field (its symbol at `offset`) equal to one interned symbol.
    case textEquals(bit: UInt8, offset: Int32, Symbol, negate: Bool)
    /// Text field equal to any of `count` sorted symbols starting at `start`.
    case textIn(bit: UInt8, offset: Int32, start: Int32, count: Int32, negate: Bool)
    /// `action`, `log-status` or `flow-direction` whose raw value's bit is in `mask`.
    case enumIn(FlowField, mask: UInt8, negate: Bool)
    /// `tcp-flags` has every bit of the mask.
    case flagsAll(UInt16)
}

