public import FlowCore
import CMemory

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

    /// Where a record keeps its interface id, looked up once rather than per record.
    private let interfaceSlot = FlowField.interfaceID.textSlot

    public mutating func add(_ batch: FlowBatch) {
        batch.records.withUnsafeBufferPointer { records in
            // The port array and address tables are megabytes, and each record lands on a random
            // line of each. Their lines are prefetched a few records ahead, so that the misses
            // overlap with the updates in between. Ordinary loads issued ahead (the previous way)
            // stalled those updates until they completed: half of this function's time sat on them.
            guard let base = records.baseAddress else { return }
            // Records between a prefetch and the update it serves: enough to cover a miss to
            // memory with the updates in between. A literal: a static is a lazy global, checked
            // on every use.
            let ahead = 12
            destinationPorts.withUnsafeBufferPointer { ports in
                for i in 0..<min(ahead, records.count) { prefetch(base + i, ports: ports) }
            }
            for i in 0..<records.count {
                if i + ahead < records.count {
                    destinationPorts.withUnsafeBufferPointer { prefetch(base + i + ahead, ports: $0) }
                }
                add(base + i)
            }
        }
    }

    @inline(__always)
    private func prefetch(_ record: UnsafePointer<FlowRecord>, ports: UnsafeBufferPointer<TrafficCounter>) {
        flowlens_prefetch_for_write(ports.baseAddress! + Int(record.pointee.dstport))
        sources.prefetch(record.pointee.srcaddr)
        destinations.prefetch(record.pointee.dstaddr)
    }

    /// Adds one record, read in place field by field: passing the record by value made Swift copy
    /// all of its 208 bytes for every record.
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
