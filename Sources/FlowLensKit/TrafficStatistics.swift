public import FlowCore

/// Everything `scan` reports about the traffic, accumulated in one pass.
///
/// Per-record work is array indexing and one cheap hash probe per address table, so statistics
/// cost little next to decoding. Memory grows only with distinct addresses, interfaces and ports,
/// never with the number of records.
public struct TrafficStatistics: Sendable {
    public private(set) var records: UInt64 = 0
    public private(set) var total = TrafficCounter()
    public private(set) var accepted = TrafficCounter()
    public private(set) var rejected = TrafficCounter()
    public private(set) var noData: UInt64 = 0
    public private(set) var skipData: UInt64 = 0
    public private(set) var ipv4 = TrafficCounter()
    public private(set) var ipv6 = TrafficCounter()
    /// Earliest `start` and latest `end` seen (Unix seconds), nil when no record had times.
    public private(set) var firstStart: Int64?
    public private(set) var lastEnd: Int64?
    public private(set) var versions = [UInt64](repeating: 0, count: 256)
    public private(set) var protocols = [TrafficCounter](repeating: TrafficCounter(), count: 256)
    public private(set) var destinationPorts = [TrafficCounter](repeating: TrafficCounter(), count: 65536)
    public private(set) var sources = AddressTable()
    public private(set) var destinations = AddressTable()
    /// Per interface symbol id: traffic, NODATA and SKIPDATA counts.
    public private(set) var interfaces: [InterfaceCounter] = []

    public struct InterfaceCounter: Sendable, Hashable, Codable {
        public var traffic = TrafficCounter()
        public var records: UInt64 = 0
        public var noData: UInt64 = 0
        public var skipData: UInt64 = 0
    }

    public init() {}

    /// Sum of the values read ahead of time; kept only so that those reads are not optimised away.
    private var touched: UInt64 = 0
    /// Where a record keeps its interface id, looked up once rather than per record.
    private let interfaceSlot = FlowField.interfaceID.textSlot

    public mutating func add(_ batch: FlowBatch) {
        batch.records.withUnsafeBufferPointer { records in
            // The port array and address tables are megabytes, and each record lands on a random
            // line of each: reading a group's lines first lets their cache misses overlap, where
            // the updates one record at a time wait for them one by one.
            let group = 16
            var start = 0
            while start < records.count {
                let end = min(records.count, start + group)
                var sum: UInt64 = 0
                for i in start..<end {
                    sum &+= destinationPorts[Int(records[i].dstport)].flows
                    sum &+= sources.peek(records[i].srcaddr)
                    sum &+= destinations.peek(records[i].dstaddr)
                }
                touched &+= sum
                for i in start..<end { add(records.baseAddress! + i) }
                start = end
            }
        }
    }

    /// Adds one record, read in place field by field: passing the record by value made Swift copy
    /// all of its 312 bytes for every record.
    @inline(__always)
    private mutating func add(_ record: UnsafePointer<FlowRecord>) {
        records &+= 1
        let present = record.pointee.present
        if present & FlowField.version.bit != 0 { versions[Int(record.pointee.version)] &+= 1 }
        if present & FlowField.start.bit != 0 {
            let start = record.pointee.start
            if firstStart.map({ start < $0 }) ?? true { firstStart = start }
        }
        if present & FlowField.end.bit != 0 {
            let end = record.pointee.end
            if lastEnd.map({ end > $0 }) ?? true { lastEnd = end }
        }
        let interface =
            present & FlowField.interfaceID.bit != 0 ? Int(record.pointee.texts[interfaceSlot].id) : -1
        if interface >= 0 {
            if interface >= interfaces.count {
                interfaces.append(contentsOf: repeatElement(InterfaceCounter(), count: interface + 64 - interfaces.count))
            }
            interfaces[interface].records &+= 1
        }
        switch record.pointee.logStatus {
        case .noData?:
            noData &+= 1
            if interface >= 0 { interfaces[interface].noData &+= 1 }
        case .skipData?:
            skipData &+= 1
            if interface >= 0 { interfaces[interface].skipData &+= 1 }
        default: break
        }
        let packets = record.pointee.packets
        let bytes = record.pointee.bytes
        // NODATA and SKIPDATA records carry neither volume nor addresses; a custom format without
        // bytes and packets still describes flows.
        let flowFields = FlowField.bytes.bit | FlowField.packets.bit | FlowField.srcaddr.bit | FlowField.dstaddr.bit
        guard present & flowFields != 0 else { return }
        total.add(packets: packets, bytes: bytes)
        if interface >= 0 { interfaces[interface].traffic.add(packets: packets, bytes: bytes) }
        let action = record.pointee.action
        if action == .accept {
            accepted.add(packets: packets, bytes: bytes)
        } else if action == .reject {
            rejected.add(packets: packets, bytes: bytes)
        }
        if present & FlowField.proto.bit != 0 { protocols[Int(record.pointee.proto)].add(packets: packets, bytes: bytes) }
        if present & FlowField.dstport.bit != 0 {
            destinationPorts[Int(record.pointee.dstport)].add(packets: packets, bytes: bytes)
        }
        if present & FlowField.srcaddr.bit != 0 {
            let source = record.pointee.srcaddr
            sources.add(source, packets: packets, bytes: bytes)
            if source.isIPv4 {
                ipv4.add(packets: packets, bytes: bytes)
            } else {
                ipv6.add(packets: packets, bytes: bytes)
            }
        }
        if present & FlowField.dstaddr.bit != 0 { destinations.add(record.pointee.dstaddr, packets: packets, bytes: bytes) }
    }
}
