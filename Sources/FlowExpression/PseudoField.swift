import FlowCore

/// A name usable in expressions that is not a stored field, such as `addr` or `src`.
///
/// A pseudo-field reads one or more ``Accessor``s. A positive test (`=`, `<`, `in`, `has`, ...)
/// holds when *any* of them matches; a negative test (`!=`, `not in`) holds when *every* one is
/// present and does not match, so `addr != 10.0.0.1` means "neither address is 10.0.0.1".
public struct PseudoField: Hashable, Sendable {
    /// The name as written in expressions.
    public let name: String
    public let accessors: [Accessor]
    /// One line for help text.
    public let summary: String

    public init(name: String, accessors: [Accessor], summary: String) {
        self.name = name
        self.accessors = accessors
        self.summary = summary
    }

    /// Every pseudo-field the parser knows, looked up by lowercase name. Add one here.
    public static let all: [PseudoField] = [
        PseudoField(name: "addr", accessors: [.field(.srcaddr), .field(.dstaddr)], summary: "srcaddr or dstaddr"),
        PseudoField(name: "port", accessors: [.field(.srcport), .field(.dstport)], summary: "srcport or dstport"),
        PseudoField(name: "src", accessors: [.packetSource], summary: "pkt-srcaddr when present, else srcaddr"),
        PseudoField(name: "dst", accessors: [.packetDestination], summary: "pkt-dstaddr when present, else dstaddr"),
        PseudoField(name: "initiator", accessors: [.initiator], summary: "packet address that opened the connection"),
        PseudoField(name: "responder", accessors: [.responder], summary: "packet address that accepted the connection"),
        PseudoField(name: "service-port", accessors: [.servicePort], summary: "responder's port: the service used"),
        PseudoField(name: "client-port", accessors: [.clientPort], summary: "initiator's port"),
    ]

    static let byName: [String: PseudoField] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
