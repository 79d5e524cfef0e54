/// A field's value in a form that generic code (filters, writers, stores) can handle.
public enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    case absent
    case number(UInt64)
    case time(Int64)
    case address(IPAddress)
    case text(Symbol)

    /// The value as flow log text (`-` when absent).
    public var description: String {
        switch self {
        case .absent: "-"
        case .number(let n): String(n)
        case .time(let t): String(t)
        case .address(let a): a.description
        case .text(let s): s.string
        }
    }
}

extension FlowRecord {
    /// The value of any field, for code off the hot path.
    public func value(_ field: FlowField) -> FieldValue {
        guard has(field) else { return .absent }
        switch field {
        case .version: return .number(UInt64(version))
        case .proto: return .number(UInt64(proto))
        case .srcport: return .number(UInt64(srcport))
        case .dstport: return .number(UInt64(dstport))
        case .packets: return .number(packets)
        case .bytes: return .number(bytes)
        case .tcpFlags: return .number(UInt64(tcpFlags))
        case .trafficPath: return .number(UInt64(trafficPath))
        case .encryptionStatus: return .number(UInt64(encryptionStatus))
        case .packetsLostNoRoute: return .number(packetsLost[0])
        case .packetsLostBlackhole: return .number(packetsLost[1])
        case .packetsLostMTUExceeded: return .number(packetsLost[2])
        case .packetsLostTTLExpired: return .number(packetsLost[3])
        case .start: return .time(start)
        case .end: return .time(end)
        case .srcaddr: return .address(srcaddr)
        case .dstaddr: return .address(dstaddr)
        case .pktSrcaddr: return .address(pktSrcaddr)
        case .pktDstaddr: return .address(pktDstaddr)
        case .action: return action.map { .text(Symbol($0.name)) } ?? .absent
        case .logStatus: return logStatus.map { .text(Symbol($0.name)) } ?? .absent
        case .flowDirection: return flowDirection.map { .text(Symbol($0.name)) } ?? .absent
        default: return .text(self[text: field])
        }
    }

    /// The record as one flow log line in the given field order.
    public func line(fields: [FlowField]) -> String {
        fields.map { value($0).description }.joined(separator: " ")
    }
}
