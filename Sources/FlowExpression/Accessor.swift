public import FlowCore

/// One way of reading an address or number out of a record; a subject reads through one or more.
///
/// The evaluator switches over these cases, so a new kind of read (such as an enrichment lookup)
/// is added here and in `Program`; a new pseudo-field built from existing reads needs only a line
/// in ``PseudoField/all``.
public enum Accessor: Hashable, Sendable {
    /// A stored field.
    case field(FlowField)
    /// `pkt-srcaddr` when present, else `srcaddr` (``FlowRecord/packetSource``).
    case packetSource
    /// `pkt-dstaddr` when present, else `dstaddr` (``FlowRecord/packetDestination``).
    case packetDestination
    /// The address that opened the connection (``FlowRecord/initiator``).
    case initiator
    /// The address that accepted the connection (``FlowRecord/responder``).
    case responder
    /// The responder's port (``FlowRecord/servicePort``).
    case servicePort
    /// The initiator's port (``FlowRecord/clientPort``).
    case clientPort

    /// The stored fields this read looks at, including those that only decide the flow's sense.
    public var fields: [FlowField] {
        switch self {
        case .field(let field): [field]
        case .packetSource: [.pktSrcaddr, .srcaddr]
        case .packetDestination: [.pktDstaddr, .dstaddr]
        case .initiator, .responder: [.pktSrcaddr, .srcaddr, .pktDstaddr, .dstaddr] + Accessor.senseFields
        case .servicePort, .clientPort: Accessor.senseFields
        }
    }

    /// What ``FlowRecord/isResponse`` reads.
    static let senseFields: [FlowField] = [.srcport, .dstport, .proto, .tcpFlags]

    /// Presence: the read has a value when the record's presence mask meets both masks (shares a
    /// bit with each). Most reads have one mask, given twice; `initiator` needs an address at each
    /// end, and `service-port` both ports.
    var presence: (UInt64, UInt64) {
        let source = FlowField.pktSrcaddr.bit | FlowField.srcaddr.bit
        let destination = FlowField.pktDstaddr.bit | FlowField.dstaddr.bit
        switch self {
        case .field(let field): return (field.bit, field.bit)
        case .packetSource: return (source, source)
        case .packetDestination: return (destination, destination)
        case .initiator, .responder: return (source, destination)
        case .servicePort, .clientPort: return (FlowField.srcport.bit, FlowField.dstport.bit)
        }
    }

    /// The type of value it yields, which decides the literals and operators it accepts.
    var valueKind: ValueKind {
        switch self {
        case .field(let field): ValueKind(field)
        case .packetSource, .packetDestination, .initiator, .responder: .address
        case .servicePort, .clientPort: ValueKind(.dstport)
        }
    }
}
