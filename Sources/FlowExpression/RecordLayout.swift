import FlowCore

/// Where and how to read a numeric field.
struct NumericRead: Sendable {
    enum Width: UInt8, Sendable {
        case u8, u16, u64
        /// A signed time, read as a key whose unsigned order is its signed order.
        case time
        /// ``FlowRecord/servicePort`` or ``FlowRecord/clientPort``: worked out from the whole
        /// record, so `offset` is unused.
        case servicePort, clientPort
    }

    var bit: UInt8
    /// A second presence bit the read needs, or `bit` again.
    var alsoBit: UInt8
    var width: Width
    var offset: Int32

    init(bit: UInt8, alsoBit: UInt8? = nil, width: Width, offset: Int32) {
        self.bit = bit
        self.alsoBit = alsoBit ?? bit
        self.width = width
        self.offset = offset
    }

    /// Every bit of it must be present.
    var presence: UInt64 { (1 &<< UInt64(bit)) | (1 &<< UInt64(alsoBit)) }
}

/// Where to read an address: the primary field, or when it is absent, an optional fallback
/// (how `src` reads `pkt-srcaddr` else `srcaddr`); or an end of the connection, which depends on
/// the whole record.
struct AddressRead: Sendable {
    enum Role: UInt8, Sendable {
        /// Read at the offsets below.
        case stored
        /// ``FlowRecord/initiator`` or ``FlowRecord/responder``; the offsets are unused.
        case initiator, responder
    }

    var bit: UInt8
    var offset: Int32
    /// `UInt8.max` when there is no fallback.
    var fallbackBit: UInt8
    var role: Role = .stored
    var fallbackOffset: Int32
}

/// Byte offsets of the stored fields, from the compiler's own layout of ``FlowRecord``.
enum RecordLayout {
    static func numeric(_ accessor: Accessor) -> NumericRead {
        switch accessor {
        case .field(let field): return numeric(field)
        case .servicePort, .clientPort:
            return NumericRead(
                bit: FlowField.srcport.rawValue, alsoBit: FlowField.dstport.rawValue,
                width: accessor == .servicePort ? .servicePort : .clientPort, offset: 0)
        default: preconditionFailure("\(accessor) is not numeric")
        }
    }

    static func numeric(_ field: FlowField) -> NumericRead {
        let bit = field.rawValue
        func at(_ path: PartialKeyPath<FlowRecord>, _ width: NumericRead.Width, plus extra: Int = 0) -> NumericRead {
            NumericRead(bit: bit, width: width, offset: Int32(MemoryLayout<FlowRecord>.offset(of: path)! + extra))
        }
        switch field {
        case .version: return at(\.version, .u8)
        case .proto: return at(\.proto, .u8)
        case .trafficPath: return at(\.trafficPath, .u8)
        case .encryptionStatus: return at(\.encryptionStatus, .u8)
        case .srcport: return at(\.srcport, .u16)
        case .dstport: return at(\.dstport, .u16)
        case .tcpFlags: return at(\.tcpFlags, .u16)
        case .packets: return at(\.packets, .u64)
        case .bytes: return at(\.bytes, .u64)
        case .packetsLostNoRoute: return at(\.packetsLost, .u64)
        case .packetsLostBlackhole: return at(\.packetsLost, .u64, plus: 8)
        case .packetsLostMTUExceeded: return at(\.packetsLost, .u64, plus: 16)
        case .packetsLostTTLExpired: return at(\.packetsLost, .u64, plus: 24)
        case .start: return at(\.start, .time)
        case .end: return at(\.end, .time)
        default: preconditionFailure("\(field.name) is not numeric")
        }
    }

    static func address(_ accessor: Accessor) -> AddressRead {
        func offset(_ field: FlowField) -> Int32 {
            let path: PartialKeyPath<FlowRecord> =
                switch field {
                case .srcaddr: \.srcaddr
                case .dstaddr: \.dstaddr
                case .pktSrcaddr: \.pktSrcaddr
                case .pktDstaddr: \.pktDstaddr
                default: preconditionFailure("\(field.name) is not an address")
                }
            return Int32(MemoryLayout<FlowRecord>.offset(of: path)!)
        }
        switch accessor {
        case .field(let field):
            return AddressRead(bit: field.rawValue, offset: offset(field), fallbackBit: .max, fallbackOffset: 0)
        case .packetSource:
            return AddressRead(
                bit: FlowField.pktSrcaddr.rawValue, offset: offset(.pktSrcaddr),
                fallbackBit: FlowField.srcaddr.rawValue, fallbackOffset: offset(.srcaddr))
        case .packetDestination:
            return AddressRead(
                bit: FlowField.pktDstaddr.rawValue, offset: offset(.pktDstaddr),
                fallbackBit: FlowField.dstaddr.rawValue, fallbackOffset: offset(.dstaddr))
        case .initiator, .responder:
            return AddressRead(
                bit: .max, offset: 0, fallbackBit: .max, role: accessor == .initiator ? .initiator : .responder,
                fallbackOffset: 0)
        case .servicePort, .clientPort:
            preconditionFailure("\(accessor) is not an address")
        }
    }

    /// Where a text field's symbol is: its byte offset in the record, or for a rare text field
    /// (held in ``RareTextTable``) `-1 - rareTextSlot`; ``Program`` reads both.
    static func text(_ field: FlowField) -> Int32 {
        if field.textSlot < 0 { return Int32(-1 - field.rareTextSlot) }
        return Int32(MemoryLayout<FlowRecord>.offset(of: \.texts)! + field.textSlot * MemoryLayout<Symbol>.stride)
    }
}
