public import FlowCore

/// A connection for a ``ScenarioInjector`` to place in the simulated network.
///
/// ``SimulatedNetwork/records(for:aggregation:)`` turns it into the records every interface on
/// the path logs: both directions on the client's and the server's interface, four more on the
/// NAT gateway for ``throughNAT``, only the refused attempt for ``rejected``.
public struct SimulatedConnection: Sendable, Hashable {
    /// One end of a connection: an interface of the VPC, or an address without one (the
    /// internet, or the VPC resolver).
    public enum Peer: Sendable, Hashable {
        case host(SimulatedHost)
        case external(IPAddress)
    }

    public var client: Peer
    public var server: Peer
    public var clientPort: UInt16
    public var serverPort: UInt16
    /// IANA protocol number: 6 TCP, 17 UDP.
    public var proto: UInt8
    /// Unix seconds of the first packet.
    public var start: Int64
    /// Seconds from the first to the last packet.
    public var duration: Int64
    public var requestBytes: UInt64
    public var requestPackets: UInt64
    public var responseBytes: UInt64
    public var responsePackets: UInt64
    /// Refused by the server's security group: only the client's attempt is logged (REJECT on
    /// the server's interface).
    public var rejected: Bool
    /// A private instance reaching an internet server through the VPC's NAT gateway.
    public var throughNAT: Bool
    /// The AWS service behind the external end, written as `pkt-src-aws-service` /
    /// `pkt-dst-aws-service` where the layout has them.
    public var service: AWSService
    /// Reached through a gateway VPC endpoint (S3): `traffic-path` 7 instead of the NAT or the
    /// internet gateway.
    public var throughGatewayEndpoint: Bool

    /// AWS services the simulation can name in the `pkt-*-aws-service` fields.
    public enum AWSService: Sendable, Hashable {
        case none, amazon, s3
    }

    public init(
        client: Peer, server: Peer, clientPort: UInt16, serverPort: UInt16, proto: UInt8 = 6, start: Int64,
        duration: Int64 = 1, requestBytes: UInt64 = 600, requestPackets: UInt64 = 6, responseBytes: UInt64 = 1_200,
        responsePackets: UInt64 = 5, rejected: Bool = false, throughNAT: Bool = false, service: AWSService = .none,
        throughGatewayEndpoint: Bool = false
    ) {
        self.client = client
        self.server = server
        self.clientPort = clientPort
        self.serverPort = serverPort
        self.proto = proto
        self.start = start
        self.duration = duration
        self.requestBytes = requestBytes
        self.requestPackets = requestPackets
        self.responseBytes = responseBytes
        self.responsePackets = responsePackets
        self.rejected = rejected
        self.throughNAT = throughNAT
        self.service = service
        self.throughGatewayEndpoint = throughGatewayEndpoint
    }
}

extension SimulatedNetwork {
    /// The flow log records every interface on a connection's path writes, split across
    /// aggregation windows, in the order: client interface, server interface, NAT gateway.
    ///
    /// Addresses must be IPv4. The records carry every field the simulation knows; `version` is
    /// set when the run writes them.
    public func records(for connection: SimulatedConnection, aggregation: Int = 600) -> [FlowRecord] {
        var spec = ConnectionSpec()
        switch connection.client {
        case .host(let host):
            spec.clientHost = host.index
            spec.clientAddress = host.address.ipv4Value
        case .external(let address):
            precondition(address.isIPv4, "the simulator models IPv4 only")
            spec.clientAddress = address.ipv4Value
        }
        switch connection.server {
        case .host(let host):
            spec.serverHost = host.index
            spec.serverAddress = host.address.ipv4Value
        case .external(let address):
            precondition(address.isIPv4, "the simulator models IPv4 only")
            spec.serverAddress = address.ipv4Value
        }
        spec.clientPort = connection.clientPort
        spec.serverPort = connection.serverPort
        spec.proto = connection.proto
        spec.start = connection.start
        spec.end = connection.start + max(0, connection.duration)
        spec.requestBytes = connection.requestBytes
        spec.requestPackets = max(1, connection.requestPackets)
        spec.responseBytes = connection.responseBytes
        spec.responsePackets = max(1, connection.responsePackets)
        spec.rejected = connection.rejected
        spec.viaNAT = connection.throughNAT
        spec.gatewayEndpoint = connection.throughGatewayEndpoint
        switch connection.service {
        case .none: spec.externalService = .none
        case .amazon: spec.externalService = .amazon
        case .s3: spec.externalService = .s3
        }
        spec.natPort = UInt16(
            truncatingIfNeeded: 1024 + SimulationRandom.mix(UInt64(spec.start) ^ UInt64(spec.clientPort)) % 64_000)
        var emitter = ConnectionEmitter(network: self, aggregation: aggregation, rangeEnd: .max)
        emitter.emit(spec)
        let version = UInt8(SimulationOptions.newestVersion)
        return emitter.records.map { flowRecord($0, version: version) }
    }

    /// A `SKIPDATA` (`skipData` true) or `NODATA` record of one interface for `start...end`: the
    /// status records AWS writes when it lost records or saw no traffic in an aggregation window.
    public func statusRecord(skipData: Bool, host: SimulatedHost, start: Int64, end: Int64) -> FlowRecord {
        var emitter = ConnectionEmitter(network: self, aggregation: 600, rangeEnd: .max)
        emitter.emitStatus(skipData ? .skipData : .noData, host: host.index, start: start, end: max(start, end))
        return flowRecord(emitter.records[0], version: UInt8(SimulationOptions.newestVersion))
    }

    /// The full record for a simulated one.
    func flowRecord(_ r: SimulatedRecord, version: UInt8) -> FlowRecord {
        var record = templates[Int(r.host)]
        fill(&record, from: r, version: version)
        return record
    }

    /// Overwrites `record`, which must start as the interface's template (or a record filled
    /// from the same interface before), with a simulated record: the traffic fields only when
    /// the status is OK, as AWS writes `-` for them in NODATA and SKIPDATA. Filling in place
    /// spares the writer a copy of the whole record per line.
    @inline(__always)
    func fill(_ record: inout FlowRecord, from r: SimulatedRecord, version: UInt8) {
        record.present = templatePresence[Int(r.host)] | FlowField.version.bit
        record.version = version
        record.start = r.start
        record.end = r.end
        switch r.status {
        case .noData:
            record.logStatus = .noData
            return
        case .skipData:
            record.logStatus = .skipData
            return
        case .ok:
            record.logStatus = .ok
        }
        record.present |= Self.trafficBits
        record.srcaddr = IPAddress(ipv4: r.srcaddr)
        record.dstaddr = IPAddress(ipv4: r.dstaddr)
        record.pktSrcaddr = IPAddress(ipv4: r.pktSrcaddr)
        record.pktDstaddr = IPAddress(ipv4: r.pktDstaddr)
        record.srcport = r.srcport
        record.dstport = r.dstport
        record.proto = r.proto
        record.packets = UInt64(r.packets)
        record.bytes = r.bytes
        record.tcpFlags = UInt16(r.tcpFlags)
        record.action = r.rejected ? .reject : .accept
        record.flowDirection = r.egress ? .egress : .ingress
        record.texts[Self.typeSlot] = typeIPv4
        if r.trafficPath != 0 {
            record.present |= FlowField.trafficPath.bit
            record.trafficPath = r.trafficPath
        }
        if r.srcService != .none {
            record.present |= FlowField.pktSrcAWSService.bit
            record.texts[Self.srcServiceSlot] = serviceSymbols[Int(r.srcService.rawValue)]
        }
        if r.dstService != .none {
            record.present |= FlowField.pktDstAWSService.bit
            record.texts[Self.dstServiceSlot] = serviceSymbols[Int(r.dstService.rawValue)]
        }
        // 1: Nitro encryption between instances; 2: TLS or SSH on a well-known port.
        var encryption: UInt8 = isInVPC(r.srcaddr) && isInVPC(r.dstaddr) ? 1 : 0
        let port = min(r.srcport, r.dstport)
        if r.proto == 6 && (port == 443 || port == 8443 || port == 22) { encryption += 2 }
        record.encryptionStatus = encryption
    }

    // Text slots resolved once: `record[text:]` looks them up in a lazily built table.
    private static let typeSlot = FlowField.type.textSlot
    private static let srcServiceSlot = FlowField.pktSrcAWSService.textSlot
    private static let dstServiceSlot = FlowField.pktDstAWSService.textSlot

    private static let trafficBits: UInt64 = [
        FlowField.srcaddr, .dstaddr, .srcport, .dstport, .proto, .packets, .bytes, .action, .tcpFlags, .type,
        .pktSrcaddr, .pktDstaddr, .flowDirection, .encryptionStatus,
    ].reduce(0) { $0 | $1.bit }
}
