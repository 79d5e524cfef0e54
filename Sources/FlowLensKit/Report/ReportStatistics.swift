public import FlowCore
public import FlowEnrichment

/// The report's statistics, gathered as a ``FlowSink`` in the same pass as detection.
///
/// Complements ``TrafficStatistics`` (totals, top talkers, ports, protocols) with what the report
/// draws: traffic over time, top pairs, interfaces, subnets and instances, rejected traffic by
/// source and port, the zone matrix, address families, AWS services, and NODATA/SKIPDATA per
/// interface. Per record the work is array indexing, two binary searches over the zone ranges
/// and two hash probes; ids stay ``Symbol``s until the report is rendered.
public final class ReportStatistics: FlowSink {
    /// One cell of the zone matrix.
    public struct ZoneCell: Sendable, Hashable, Codable {
        public var accepted = TrafficCounter()
        public var rejected = TrafficCounter()
        public var other = TrafficCounter()
    }

    /// Counters of one interface.
    public struct InterfaceCounter: Sendable, Hashable, Codable {
        public var traffic = TrafficCounter()
        public var rejected = TrafficCounter()
        public var records: UInt64 = 0
        public var noData: UInt64 = 0
        public var skipData: UInt64 = 0
    }

    /// Counters of one AWS service (`pkt-src-aws-service`, `pkt-dst-aws-service`).
    public struct ServiceCounter: Sendable, Hashable, Codable {
        public var to = TrafficCounter()
        public var from = TrafficCounter()
    }

    public var zones: ZoneMap { state.zones }
    public var records: UInt64 { state.records }
    public var series: TimeSeries { state.series }
    public var pairs: PairTable { state.pairs }
    /// Indexed by interface symbol id.
    public var interfaces: [InterfaceCounter] { state.interfaces }
    /// Indexed by subnet symbol id.
    public var subnets: [TrafficCounter] { state.subnets }
    /// Indexed by instance symbol id.
    public var instances: [TrafficCounter] { state.instances }
    /// Indexed by AWS service symbol id.
    public var services: [ServiceCounter] { state.services }
    public var rejectedSources: AddressTable { state.rejectedSources }
    /// Rejected traffic by destination port.
    public var rejectedPorts: [TrafficCounter] { state.rejectedPorts }
    public var ipv4: TrafficCounter { state.ipv4 }
    public var ipv6: TrafficCounter { state.ipv6 }

    // The counters live in a struct so that the per-record loop mutates a local value: a class's
    // stored properties would each pay a dynamic exclusivity check per access.
    private var state: State

    public init(context: NetworkContext = NetworkContext()) { state = State(zones: ZoneMap(context: context)) }

    public func consume(_ batch: FlowBatch) { state.add(batch) }

    public func finish() {}

    /// The zone matrix cell from category `from` to category `to`, by packet-level addresses.
    public func zoneCell(from: Int, to: Int) -> ZoneCell { state.zoneMatrix[from * state.zones.names.count + to] }
}

extension ReportStatistics {
    struct State {
        let zones: ZoneMap
        let zoneCount: Int
        var records: UInt64 = 0
        var series = TimeSeries()
        var pairs = PairTable()
        var interfaces: [InterfaceCounter] = []
        var subnets: [TrafficCounter] = []
        var instances: [TrafficCounter] = []
        var services: [ServiceCounter] = []
        var rejectedSources = AddressTable(capacity: 1024)
        var rejectedPorts = [TrafficCounter](repeating: TrafficCounter(), count: 65536)
        /// `zoneMatrix[from * zoneCount + to]`.
        var zoneMatrix: [ZoneCell]
        var ipv4 = TrafficCounter()
        var ipv6 = TrafficCounter()

        init(zones: ZoneMap) {
            self.zones = zones
            zoneCount = zones.names.count
            zoneMatrix = [ZoneCell](repeating: ZoneCell(), count: zoneCount * zoneCount)
        }

        /// Adds a batch, reading the records in place (they are large; no copies).
        mutating func add(_ batch: FlowBatch) {
            batch.records.withUnsafeBufferPointer { records in
                for index in records.indices { add(records[index]) }
                // Pairs in a loop of their own: the pair table outgrows the caches, and a short
                // loop body lets the processor overlap the misses of several records.
                let needed = FlowField.srcaddr.bit | FlowField.dstaddr.bit
                let traffic = FlowField.bytes.bit | FlowField.packets.bit
                for index in records.indices {
                    let present = records[index].present
                    guard present & needed == needed, present & traffic != 0 else { continue }
                    pairs.add(
                        records[index].srcaddr, records[index].dstaddr, packets: records[index].packets,
                        bytes: records[index].bytes)
                }
            }
        }

        /// Adds one record; `consume` calls this for each record of a batch.
        @inline(__always)
        mutating func add(_ r: borrowing FlowRecord) {
            records &+= 1
            let present = r.present
            let interface = present & FlowField.interfaceID.bit != 0 ? Int(r.interfaceID.id) : -1
            if interface >= 0 {
                if interface >= interfaces.count { Self.grow(&interfaces, to: interface) }
                interfaces[interface].records &+= 1
                switch r.logStatus {
                case .noData?: interfaces[interface].noData &+= 1
                case .skipData?: interfaces[interface].skipData &+= 1
                default: break
                }
            }
            guard present & (FlowField.bytes.bit | FlowField.packets.bit) != 0 else { return }
            let packets = r.packets
            let bytes = r.bytes
            let action: FlowActionCode =
                present & FlowField.action.bit == 0 ? .none : (r.action == .reject ? .reject : .accept)

            if present & FlowField.start.bit != 0 {
                series.add(time: r.start, action: action, packets: packets, bytes: bytes)
            } else if present & FlowField.end.bit != 0 {
                series.add(time: r.end, action: action, packets: packets, bytes: bytes)
            }
            if interface >= 0 {
                interfaces[interface].traffic.add(packets: packets, bytes: bytes)
                if action == .reject { interfaces[interface].rejected.add(packets: packets, bytes: bytes) }
            }
            if present & FlowField.subnetID.bit != 0 {
                let id = Int(r.subnetID.id)
                if id >= subnets.count { Self.grow(&subnets, to: id) }
                subnets[id].add(packets: packets, bytes: bytes)
            }
            if present & FlowField.instanceID.bit != 0 {
                let id = Int(r.instanceID.id)
                if id >= instances.count { Self.grow(&instances, to: id) }
                instances[id].add(packets: packets, bytes: bytes)
            }
            if present & FlowField.pktDstAWSService.bit != 0 {
                let id = Int(r[text: .pktDstAWSService].id)
                if id >= services.count { Self.grow(&services, to: id) }
                services[id].to.add(packets: packets, bytes: bytes)
            }
            if present & FlowField.pktSrcAWSService.bit != 0 {
                let id = Int(r[text: .pktSrcAWSService].id)
                if id >= services.count { Self.grow(&services, to: id) }
                services[id].from.add(packets: packets, bytes: bytes)
            }
            let hasSource = present & FlowField.srcaddr.bit != 0
            let hasDestination = present & FlowField.dstaddr.bit != 0
            if hasSource {
                if r.srcaddr.isIPv4 {
                    ipv4.add(packets: packets, bytes: bytes)
                } else {
                    ipv6.add(packets: packets, bytes: bytes)
                }
            }
            if action == .reject {
                if hasSource { rejectedSources.add(r.srcaddr, packets: packets, bytes: bytes) }
                if present & FlowField.dstport.bit != 0 { rejectedPorts[Int(r.dstport)].add(packets: packets, bytes: bytes) }
            }
            guard hasSource && hasDestination else { return }
            let from = zones.category(of: r.packetSource)
            let to = zones.category(of: r.packetDestination)
            let cell = from * zoneCount + to
            switch action {
            case .accept: zoneMatrix[cell].accepted.add(packets: packets, bytes: bytes)
            case .reject: zoneMatrix[cell].rejected.add(packets: packets, bytes: bytes)
            case .none: zoneMatrix[cell].other.add(packets: packets, bytes: bytes)
            }
        }

        /// Grows a per-symbol array so that `index` is valid, with slack for the next ids.
        @inline(never)
        private static func grow(_ array: inout [TrafficCounter], to index: Int) {
            array.append(contentsOf: repeatElement(TrafficCounter(), count: index + 64 - array.count))
        }

        @inline(never)
        private static func grow(_ array: inout [InterfaceCounter], to index: Int) {
            array.append(contentsOf: repeatElement(InterfaceCounter(), count: index + 64 - array.count))
        }

        @inline(never)
        private static func grow(_ array: inout [ServiceCounter], to index: Int) {
            array.append(contentsOf: repeatElement(ServiceCounter(), count: index + 64 - array.count))
        }

    }
}
