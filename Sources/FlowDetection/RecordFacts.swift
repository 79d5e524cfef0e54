public import FlowCore

/// Values the engine derives from a record once, for keys and alerts.
public struct RecordFacts: Sendable {
    public var isResponse: Bool
    public var initiator: IPAddress
    public var responder: IPAddress
    public var servicePort: UInt16
    public var hasPorts: Bool
    /// Event time: `start`, else `end`, else 0.
    public var time: Int64

    /// Borrows the record: a matched record is read in place in its batch, and an owned
    /// parameter would copy its hundreds of bytes for every match.
    @inlinable
    public init(_ record: borrowing FlowRecord) {
        isResponse = record.isResponse
        initiator = isResponse ? record.packetDestination : record.packetSource
        responder = isResponse ? record.packetSource : record.packetDestination
        // Read before `&&`, whose right side is a closure and cannot capture a borrowed record.
        let hasSourcePort = record.has(.srcport)
        let hasDestinationPort = record.has(.dstport)
        hasPorts = hasSourcePort && hasDestinationPort
        servicePort = isResponse ? record.srcport : record.dstport
        time = record.has(.start) ? record.start : (record.has(.end) ? record.end : 0)
    }
}

extension RecordFacts {
    /// Reads a matched record in place, field by field: handing `pointee` whole to an initializer
    /// made Swift copy the record first.
    @inline(__always)
    init(at record: UnsafePointer<FlowRecord>) {
        let present = record.pointee.present
        isResponse = record.isResponse
        let source = record.packetSource
        let destination = record.packetDestination
        initiator = isResponse ? destination : source
        responder = isResponse ? source : destination
        hasPorts = present & FlowField.srcport.bit != 0 && present & FlowField.dstport.bit != 0
        servicePort = isResponse ? record.pointee.srcport : record.pointee.dstport
        time =
            present & FlowField.start.bit != 0
            ? record.pointee.start : (present & FlowField.end.bit != 0 ? record.pointee.end : 0)
    }
}

extension UnsafePointer where Pointee == FlowRecord {
    /// The record's `interface-id`, loaded on its own: reading it through `pointee` copied the
    /// record's whole table of text fields first.
    @inline(__always)
    var interfaceSymbol: Symbol { UnsafeRawPointer(self).load(fromByteOffset: interfaceOffset, as: Symbol.self) }
}

extension UnsafePointer where Pointee == FlowRecord {
    /// `FlowRecord.isResponse`, read from the orientation byte that decoders cache: through
    /// `pointee`, the computed property made Swift copy the whole record (208 bytes) first, for
    /// every match.
    @inline(__always)
    var isResponse: Bool {
        // FlowRecord's orientationKnown and orientationResponse bits (internal to FlowCore).
        let orientation = pointee.orientation
        if orientation & 0x80 != 0 { return orientation & 0x01 != 0 }
        return pointee.isResponse
    }

    /// `FlowRecord.packetSource`, field by field for the same reason.
    @inline(__always)
    var packetSource: IPAddress {
        pointee.present & FlowField.pktSrcaddr.bit != 0 ? pointee.pktSrcaddr : pointee.srcaddr
    }

    /// `FlowRecord.packetDestination`, field by field for the same reason.
    @inline(__always)
    var packetDestination: IPAddress {
        pointee.present & FlowField.pktDstaddr.bit != 0 ? pointee.pktDstaddr : pointee.dstaddr
    }
}

private let interfaceOffset =
    MemoryLayout<FlowRecord>.offset(of: \FlowRecord.texts)! + FlowField.interfaceID.textSlot * MemoryLayout<Symbol>.stride

/// A grouping key of up to three values (addresses, or numbers stored as addresses).
public struct WindowKey: Hashable, Sendable {
    public var a: IPAddress
    public var b: IPAddress
    public var c: IPAddress

    static let numberMarker: UInt64 = 0xFFFF_FFFF_0000_0000

    static func number(_ value: UInt64) -> IPAddress { IPAddress(high: numberMarker, low: value) }

    static func value(_ field: KeyField, _ record: UnsafePointer<FlowRecord>, _ facts: RecordFacts, _ context: KeyContext)
        -> IPAddress
    {
        switch field {
        case .initiator: facts.initiator
        case .responder: facts.responder
        case .servicePort: number(UInt64(facts.servicePort))
        case .clientPort: number(UInt64(facts.isResponse ? record.pointee.dstport : record.pointee.srcport))
        case .srcaddr: record.pointee.srcaddr
        case .dstaddr: record.pointee.dstaddr
        case .srcport: number(UInt64(record.pointee.srcport))
        case .dstport: number(UInt64(record.pointee.dstport))
        case .src: record.packetSource
        case .dst: record.packetDestination
        case .interface: number(UInt64(record.interfaceSymbol.id))
        case .protocolNumber: number(UInt64(record.pointee.proto))
        case .responderZone: number(UInt64(context.zone(facts.responder).map { $0 + 1 } ?? 0))
        case .initiatorZone: number(UInt64(context.zone(facts.initiator).map { $0 + 1 } ?? 0))
        }
    }

    /// The value as people read it: an address, a port, a zone or interface name.
    static func render(_ value: IPAddress, as field: KeyField, context: KeyContext) -> String {
        guard value.high == numberMarker else { return value.description }
        switch field {
        case .interface: return Symbol(id: UInt32(value.low)).string
        case .responderZone, .initiatorZone: return value.low == 0 ? "(none)" : context.zoneNames[Int(value.low) - 1]
        case .protocolNumber: return IPProtocolNames.name(UInt8(truncatingIfNeeded: value.low))
        default: return String(value.low)
        }
    }
}

/// A rule's key fields (up to three) held inline, for building its keys without reading an
/// array, and with zero written as a literal (`IPAddress.zero` is a global: a `swift_once` per
/// key). Absent fields are zero.
struct KeyFields {
    private let count: Int
    private let first: KeyField
    private let second: KeyField
    private let third: KeyField

    /// The first three of `fields` (the rule loader allows no more).
    init(_ fields: [KeyField]) {
        count = min(fields.count, 3)
        first = fields.first ?? .initiator
        second = fields.count > 1 ? fields[1] : .initiator
        third = fields.count > 2 ? fields[2] : .initiator
    }

    /// The key of `record`: each field's ``WindowKey/value(_:_:_:_:)``, zero past the fields.
    @inline(__always)
    func key(_ record: UnsafePointer<FlowRecord>, _ facts: RecordFacts, _ context: KeyContext) -> WindowKey {
        let zero = IPAddress(high: 0, low: 0)
        return WindowKey(
            a: count > 0 ? WindowKey.value(first, record, facts, context) : zero,
            b: count > 1 ? WindowKey.value(second, record, facts, context) : zero,
            c: count > 2 ? WindowKey.value(third, record, facts, context) : zero)
    }
}

/// Zone lookup shared by keys and detectors.
public struct KeyContext: Sendable {
    public var zoneNames: [String]
    public var zoneSets: [CIDRSet]

    public func zone(_ address: IPAddress) -> Int? {
        for (index, set) in zoneSets.enumerated() where set.contains(address) { return index }
        return nil
    }
}
