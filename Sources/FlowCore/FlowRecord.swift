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
///
/// The text fields of versions 2 to 5 are held in the record (``texts``); the rest (Transit
/// Gateway, ECS, v8's reject reason and resource id), which few formats have, as one id of a
/// combination in ``RareTextTable``. So a record is 208 bytes instead of 312: decoding writes, and
/// every later stage reads, a third less memory per record.
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
    /// The record's rare text fields, as an id in ``RareTextTable/shared`` (0: none of them).
    public var rareTexts: UInt32 = 0
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Unix seconds (millisecond inputs are converted).
    public var start: Int64 = 0
    public var end: Int64 = 0
    public var srcaddr: IPAddress = .zero
    public var dstaddr: IPAddress = .zero
    // Declaration order is memory order. Everything that statistics, detection and the store read
    // for a v2 record, the first text slots (account and interface ids) among it, lies in the
    // record's first two cache lines; the fields of later versions come last.
    /// The text fields of versions 2 to 5, indexed by ``FlowField/textSlot``.
    public var texts: InlineArray<12, Symbol> = .init(repeating: .empty)
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
    /// Any text field: from ``texts``, or for a rare one from ``RareTextTable``. Setting a rare
    /// one interns the record's new combination (off the hot path: decoders set them together).
    @inlinable public subscript(text field: FlowField) -> Symbol {
        get {
            let slot = field.textSlot
            if slot >= 0 { return texts[slot] }
            return RareTextTable.shared.text(rareTexts, slot: field.rareTextSlot)
        }
        set {
            let slot = field.textSlot
            if slot >= 0 {
                texts[slot] = newValue
            } else {
                var rare = RareTextTable.shared.texts(rareTexts)
                rare[field.rareTextSlot] = newValue
                rareTexts = RareTextTable.shared.id(for: rare)
            }
        }
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
    /// Index of a text field of versions 2 to 5 in ``FlowRecord/texts``; -1 for the rare text
    /// fields and for other kinds.
    @inlinable public var textSlot: Int { Int(FlowField.textSlots[Int(rawValue)]) }

    /// Index of a rare text field in ``RareTexts``; -1 for other fields.
    @inlinable public var rareTextSlot: Int { Int(FlowField.rareTextSlots[Int(rawValue)]) }

    public static let textFields: [FlowField] = FlowField.allCases.filter {
        if case .text = $0.kind { return true } else { return false }
    }

    /// The text fields held in ``FlowRecord/texts``: those of versions 2 to 5.
    public static let inlineTextFields: [FlowField] = textFields.filter { $0.introducedIn <= 5 }

    /// The text fields held out of line, in ``RareTexts``.
    public static let rareTextFields: [FlowField] = textFields.filter { $0.introducedIn > 5 }

    @usableFromInline static let textSlots: [Int8] = slots(of: inlineTextFields)
    @usableFromInline static let rareTextSlots: [Int8] = slots(of: rareTextFields)

    private static func slots(of fields: [FlowField]) -> [Int8] {
        var slots = [Int8](repeating: -1, count: FlowField.allCases.count)
        for (index, field) in fields.enumerated() { slots[Int(field.rawValue)] = Int8(index) }
        return slots
    }
}
