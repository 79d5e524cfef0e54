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

    /// The stored fields this read looks at.
    public var fields: [FlowField] {
        switch self {
        case .field(let field): [field]
        case .packetSource: [.pktSrcaddr, .srcaddr]
        case .packetDestination: [.pktDstaddr, .dstaddr]
        }
    }

    /// Presence bits: the read has a value when any of them is set.
    var presenceMask: UInt64 { fields.reduce(0) { $0 | $1.bit } }

    /// The type of value it yields, which decides the literals and operators it accepts.
    var valueKind: ValueKind {
        switch self {
        case .field(let field): ValueKind(field)
        case .packetSource, .packetDestination: .address
        }
    }
}
