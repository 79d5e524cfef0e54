import FlowCore

/// One column of a compiled plan: what to parse and where to store it, precomputed so that the
/// per-line loop is a switch over small integers.
struct ColumnOp {
    enum Kind: UInt8 {
        case number, time, address, text, rareText, action, logStatus, direction, extra
    }

    var kind: Kind
    var field: FlowField
    /// Text slot in the record (``FlowField/textSlot``), slot of a rare text
    /// (``FlowField/rareTextSlot``), or index of the extra column.
    var slot: Int
    var max: UInt64

    static func compile(_ plan: ColumnPlan) -> [ColumnOp] {
        plan.columns.map { column in
            switch column {
            case .extra(let index):
                return ColumnOp(kind: .extra, field: .version, slot: index, max: 0)
            case .field(let field):
                switch field.kind {
                case .number(let max): return ColumnOp(kind: .number, field: field, slot: 0, max: max)
                case .time: return ColumnOp(kind: .time, field: field, slot: 0, max: UInt64(Int64.max))
                case .address: return ColumnOp(kind: .address, field: field, slot: 0, max: 0)
                case .text:
                    return field.textSlot >= 0
                        ? ColumnOp(kind: .text, field: field, slot: field.textSlot, max: 0)
                        : ColumnOp(kind: .rareText, field: field, slot: field.rareTextSlot, max: 0)
                case .action: return ColumnOp(kind: .action, field: field, slot: 0, max: 0)
                case .logStatus: return ColumnOp(kind: .logStatus, field: field, slot: 0, max: 0)
                case .flowDirection: return ColumnOp(kind: .direction, field: field, slot: 0, max: 0)
                }
            }
        }
    }
}

/// Case-insensitive comparison of a token with an ASCII keyword, without building a String.
enum Keyword {
    @inline(__always)
    static func equals(_ token: UnsafeBufferPointer<UInt8>, _ keyword: StaticString) -> Bool {
        let count = keyword.utf8CodeUnitCount
        guard token.count == count else { return false }
        let k = keyword.utf8Start
        for i in 0..<count where token[i] | 0x20 != k[i] | 0x20 { return false }
        return true
    }

    @inline(__always)
    static func action(_ token: UnsafeBufferPointer<UInt8>) -> FlowAction? {
        if equals(token, "ACCEPT") { return .accept }
        if equals(token, "REJECT") { return .reject }
        return nil
    }

    @inline(__always)
    static func logStatus(_ token: UnsafeBufferPointer<UInt8>) -> LogStatus? {
        if equals(token, "OK") { return .ok }
        if equals(token, "NODATA") { return .noData }
        if equals(token, "SKIPDATA") { return .skipData }
        return nil
    }

    @inline(__always)
    static func direction(_ token: UnsafeBufferPointer<UInt8>) -> FlowDirection? {
        if equals(token, "ingress") { return .ingress }
        if equals(token, "egress") { return .egress }
        return nil
    }
}
