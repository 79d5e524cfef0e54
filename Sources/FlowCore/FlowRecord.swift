/// `ACCEPT` or `REJECT`.
public enum FlowAction: UInt8, Sendable, Hashable, CaseIterable {
    case accept, reject
    public var name: String { self == .accept ? "ACCEPT" : "REJECT" }
}

/// `OK`, `NODATA` (no traffic in the window) or `SKIPDATA` (records lost to capacity or errors).
public enum LogStatus: UInt8, Sendable, Hashable, CaseIterable {
    case ok, noData, skipData
    public var name: String {
        switch self {
        case .ok: "OK"
        case .noData: "NODATA"
        case .skipData: "SKIPDATA"
        }
    }
}

/// `ingress` or `egress`, relative to the interface that logged the record.
public enum FlowDirection: UInt8, Sendable, Hashable, CaseIterable {
    case ingress, egress
    public var name: String { self == .ingress ? "ingress" : "egress" }
}

/// One flow log record, every field of every version, flat and fixed-size.
///
/// Numbers are stored typed, addresses as ``IPAddress``, repeated strings as ``Symbol``. A field
/// that was `-` or not in the format is absent: its bit in ``present`` is clear and its stored
/// value is zero, which must never be read as a real zero. Use ``has(_:)`` or the optional
/// accessors.
public struct FlowRecord: Sendable, Hashable {
    /// Presence mask, one bit per ``FlowField`` (``FlowField/bit``).
    public var present: UInt64 = 0

    public var version: UInt8 = 0
    public var proto: UInt8 = 0
    public var trafficPath: UInt8 = 0
    public var encryptionStatus: UInt8 = 0
    /// Cached flow sense (see ``cacheOrientation()``); not a field, not compared.
    public var orientation: UInt8 = 0
    public var action: FlowAction? = nil
    public var logStatus: LogStatus? = nil
    public var flowDirection: FlowDirection? = nil
    public var srcport: UInt16 = 0
    public var dstport: UInt16 = 0
    public var tcpFlags: UInt16 = 0
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Unix seconds (millisecond inputs are converted).
    public var start: Int64 = 0
    public var end: Int64 = 0
    public var srcaddr: IPAddress = .zero
    public var dstaddr: IPAddress = .zero
    // Declaration order is memory order. Everything that statistics, detection and the store read
    // for a v2 record, up to the first ten text slots (account, interface, VPC, subnet and
    // instance ids among them), lies in the record's first two cache lines; the fields of later
    // versions come last. With the text slots last, reading a v2 record touched three lines of
    // its five.
    /// Every text field, indexed by ``FlowField/textSlot``.
    public var texts: InlineArray<40, Symbol> = .init(repeating: .empty)
    public var pktSrcaddr: IPAddress = .zero
    public var pktDstaddr: IPAddress = .zero
    /// `packets-lost-no-route`, `-blackhole`, `-mtu-exceeded`, `-ttl-expired`.
    public var packetsLost: InlineArray<4, UInt64> = .init(repeating: 0)

    @inlinable public init() {}

    @inlinable public func has(_ field: FlowField) -> Bool { present & field.bit != 0 }

    public static func == (lhs: FlowRecord, rhs: FlowRecord) -> Bool {
        lhs.present == rhs.present && FlowField.allCases.allSatisfy { lhs.value($0) == rhs.value($0) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(present)
        hasher.combine(srcaddr)
        hasher.combine(dstaddr)
        hasher.combine(start)
    }
}

extension FlowRecord {
    @inlinable public subscript(text field: FlowField) -> Symbol {
        get { texts[field.textSlot] }
        set { texts[field.textSlot] = newValue }
    }

    public var accountID: Symbol { self[text: .accountID] }
    public var interfaceID: Symbol { self[text: .interfaceID] }
    public var vpcID: Symbol { self[text: .vpcID] }
    public var subnetID: Symbol { self[text: .subnetID] }
    public var instanceID: Symbol { self[text: .instanceID] }

    /// The address that originated the packets: `pkt-srcaddr` when present, else `srcaddr`.
    @inlinable public var packetSource: IPAddress { present & FlowField.pktSrcaddr.bit != 0 ? pktSrcaddr : srcaddr }
    /// The address the packets were for: `pkt-dstaddr` when present, else `dstaddr`.
    @inlinable public var packetDestination: IPAddress {
        present & FlowField.pktDstaddr.bit != 0 ? pktDstaddr : dstaddr
    }
}

extension FlowField {
    /// Index of a text field in ``FlowRecord/texts``; other kinds have none.
    @inlinable public var textSlot: Int { Int(FlowField.textSlots[Int(rawValue)]) }

    public static let textFields: [FlowField] = FlowField.allCases.filter {
        if case .text = $0.kind { return true } else { return false }
    }

    @usableFromInline static let textSlots: [UInt8] = {
        var slots = [UInt8](repeating: 0, count: FlowField.allCases.count)
        for (index, field) in textFields.enumerated() { slots[Int(field.rawValue)] = UInt8(index) }
        return slots
    }()
}
