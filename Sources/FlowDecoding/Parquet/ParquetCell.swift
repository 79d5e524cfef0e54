import FlowCore

/// One Parquet value converted for a FlowLens field: what the text decoder would have made of the
/// same value written as a token.
///
/// Dictionary pages are converted once into cells, so a dictionary-encoded column costs one
/// lookup per row; plain values are converted as they are read.
enum ParquetCell {
    /// Null, `-` or an empty string: the field is absent, as `-` is in text.
    case absent
    /// A value that does not parse for its field; the row is counted and skipped.
    case malformed(MalformedReason)
    /// A counter, code or time (times already in seconds).
    case number(UInt64)
    case address(IPAddress)
    case symbol(Symbol)
    case action(FlowAction)
    case logStatus(LogStatus)
    case direction(FlowDirection)

    /// An integer column value for `op`'s field.
    @inline(__always)
    static func integer(_ value: Int64, for op: ColumnOp, interner: inout LocalInterner) -> ParquetCell {
        switch op.kind {
        case .number:
            // The text decoder sees `-5` as not a number (only digits are); so does this one.
            if value < 0 { return .malformed(.notANumber) }
            return UInt64(value) > op.max ? .malformed(.numberTooLarge) : .number(UInt64(value))
        case .time:
            if value < 0 { return .malformed(.notANumber) }
            // Same rule as text: values of 2^31 and above are milliseconds.
            return .number(value >= 1 << 31 ? UInt64(value) / 1000 : UInt64(value))
        case .text, .rareText, .extra:
            let digits = String(value).utf8
            let symbol = digits.withContiguousStorageIfAvailable { interner.intern($0) }
            return .symbol(symbol ?? Symbol(String(value)))
        case .address, .action, .logStatus, .direction:
            // Rejected when the schema is checked; kept total for safety.
            return .malformed(.notANumber)
        }
    }

    /// A string column value for `op`'s field, parsed exactly as the text decoder parses a token.
    @inline(__always)
    static func bytes(_ token: UnsafeBufferPointer<UInt8>, for op: ColumnOp, interner: inout LocalInterner) -> ParquetCell {
        let count = token.count
        if count == 0 || (count == 1 && token[0] == UInt8(ascii: "-")) { return .absent }
        switch op.kind {
        case .number, .time:
            guard count <= 20 else { return .malformed(allDigits(token) ? .numberTooLarge : .notANumber) }
            var value: UInt64 = 0
            for k in 0..<count {
                let digit = token[k] &- 48
                if digit > 9 { return .malformed(.notANumber) }
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(UInt64(digit))
                if o1 || o2 { return .malformed(.numberTooLarge) }
                value = sum
            }
            if value > op.max { return .malformed(.numberTooLarge) }
            if op.kind == .time && value >= 1 << 31 { value /= 1000 }
            return .number(value)
        case .address:
            guard let address = IPAddress.parse(token) else { return .malformed(.badAddress) }
            return .address(address)
        case .text, .rareText, .extra:
            return .symbol(interner.intern(token))
        case .action:
            guard let action = Keyword.action(token) else { return .malformed(.unknownAction) }
            return .action(action)
        case .logStatus:
            guard let status = Keyword.logStatus(token) else { return .malformed(.unknownLogStatus) }
            return .logStatus(status)
        case .direction:
            guard let direction = Keyword.direction(token) else { return .malformed(.unknownDirection) }
            return .direction(direction)
        }
    }

    private static func allDigits(_ token: UnsafeBufferPointer<UInt8>) -> Bool { token.allSatisfy { $0 &- 48 < 10 } }

    /// Stores the cell into `record` (or the row's extra slot). Returns the reason when malformed.
    @inline(__always)
    func store(_ op: ColumnOp, into record: inout FlowRecord, extra: UnsafeMutablePointer<Symbol>?) -> MalformedReason? {
        switch self {
        case .absent: return nil
        case .malformed(let reason): return reason
        case .number(let value):
            switch op.field {
            case .version: record.version = UInt8(truncatingIfNeeded: value)
            case .srcport: record.srcport = UInt16(truncatingIfNeeded: value)
            case .dstport: record.dstport = UInt16(truncatingIfNeeded: value)
            case .proto: record.proto = UInt8(truncatingIfNeeded: value)
            case .packets: record.packets = value
            case .bytes: record.bytes = value
            case .start: record.start = Int64(truncatingIfNeeded: value)
            case .end: record.end = Int64(truncatingIfNeeded: value)
            case .tcpFlags: record.tcpFlags = UInt16(truncatingIfNeeded: value)
            case .trafficPath: record.trafficPath = UInt8(truncatingIfNeeded: value)
            case .encryptionStatus: record.encryptionStatus = UInt8(truncatingIfNeeded: value)
            case .packetsLostNoRoute: record.packetsLost[0] = value
            case .packetsLostBlackhole: record.packetsLost[1] = value
            case .packetsLostMTUExceeded: record.packetsLost[2] = value
            case .packetsLostTTLExpired: record.packetsLost[3] = value
            default: return nil
            }
        case .address(let address):
            switch op.field {
            case .srcaddr: record.srcaddr = address
            case .dstaddr: record.dstaddr = address
            case .pktSrcaddr: record.pktSrcaddr = address
            default: record.pktDstaddr = address
            }
        case .symbol(let symbol):
            if op.kind == .extra {
                extra?.pointee = symbol
                return nil
            }
            if op.kind == .rareText {
                // Columns are decoded one at a time, so a row's rare texts are set one by one
                // (each through the shared table); few Parquet logs have them.
                record[text: op.field] = symbol
            } else {
                record.texts[op.slot] = symbol
            }
        case .action(let action): record.action = action
        case .logStatus(let status): record.logStatus = status
        case .direction(let direction): record.flowDirection = direction
        }
        record.present |= op.field.bit
        return nil
    }
}
