import FlowCore

/// One connection (or one rejected attempt) between two peers, in the simulator's terms.
struct ConnectionSpec {
    /// Interface index of each side, or -1 for an address outside the VPC (or the resolver).
    var clientHost = -1
    var serverHost = -1
    /// Each side's address as seen inside the VPC: private for interfaces, public otherwise.
    var clientAddress: UInt32 = 0
    var serverAddress: UInt32 = 0
    var clientPort: UInt16 = 0
    var serverPort: UInt16 = 0
    var proto: UInt8 = 6
    var start: Int64 = 0
    /// Last second with packets (inclusive).
    var end: Int64 = 0
    var requestBytes: UInt64 = 0
    var requestPackets: UInt64 = 1
    var responseBytes: UInt64 = 0
    var responsePackets: UInt64 = 1
    /// Refused by a security group: only the attempt is logged, with REJECT on the server side.
    var rejected = false
    /// A private instance reaching the internet through the VPC's NAT gateway.
    var viaNAT = false
    /// Source port the NAT gateway uses on the internet side.
    var natPort: UInt16 = 0
    /// Reached through a gateway VPC endpoint (S3): traffic-path 7.
    var gatewayEndpoint = false
    /// The AWS service behind the external side, if any.
    var externalService: SimulatedRecord.AWSService = .none
    /// Which side ended the connection with RST instead of FIN.
    var reset: Reset = .none

    enum Reset { case none, client, server }
}

/// Turns connections into the records each interface on the path logs, both directions, split
/// across aggregation windows.
///
/// AWS logs a flow on every interface it crosses, from that interface's point of view: the
/// client's interface logs egress (client → server) and ingress (server → client), the server's
/// logs the mirror image, and a NAT gateway logs four records with `pkt-srcaddr`/`pkt-dstaddr`
/// showing the addresses behind the translation. TCP flags are ORed over each window: SYN (2)
/// and SYN-ACK (18) in the first, FIN (1) or RST (4) in the last.
struct ConnectionEmitter {
    let network: SimulatedNetwork
    let aggregation: Int64
    /// Records at or after this time are not written (the end of the simulated range).
    let rangeEnd: Int64
    var records: [SimulatedRecord] = []
    private let natHost: Int
    private let natAddress: UInt32

    private static let syn: UInt8 = 2
    private static let synAck: UInt8 = 18
    private static let fin: UInt8 = 1
    private static let rst: UInt8 = 4

    init(network: SimulatedNetwork, aggregation: Int, rangeEnd: Int64) {
        self.network = network
        self.aggregation = Int64(aggregation)
        self.rangeEnd = rangeEnd
        natHost = network.roles.natGateway
        natAddress = network.hosts[natHost].address.ipv4Value
    }

    mutating func emit(_ c: ConnectionSpec) {
        guard c.start < rangeEnd else { return }
        let end = min(max(c.end, c.start), rangeEnd - 1)
        let duration = Double(end - c.start + 1)
        var window = UTCTime.floorDiv(c.start, aggregation) * aggregation
        let firstWindow = window
        while window <= end {
            let from = max(c.start, window)
            let to = min(end, window + aggregation - 1)
            let share = Double(to - from + 1) / duration
            let isFirst = window == firstWindow
            let isLast = window + aggregation > end
            var forwardFlags: UInt8 = 0
            var reverseFlags: UInt8 = 0
            if c.proto == 6 {
                if isFirst {
                    forwardFlags |= Self.syn
                    reverseFlags |= Self.synAck
                }
                if isLast && !c.rejected {
                    forwardFlags |= c.reset == .client ? Self.rst : Self.fin
                    reverseFlags |= c.reset == .server ? Self.rst : Self.fin
                }
            }
            let requestPackets = max(1, UInt64((Double(c.requestPackets) * share).rounded()))
            let requestBytes = max(requestPackets * 40, UInt64((Double(c.requestBytes) * share).rounded()))
            let responsePackets = max(1, UInt64((Double(c.responsePackets) * share).rounded()))
            let responseBytes = max(responsePackets * 40, UInt64((Double(c.responseBytes) * share).rounded()))

            var base = SimulatedRecord()
            base.start = from
            base.end = to
            base.proto = c.proto
            let forward = Flow(
                src: c.clientAddress, dst: c.serverAddress, sport: c.clientPort, dport: c.serverPort,
                packets: requestPackets, bytes: requestBytes, flags: forwardFlags)
            let reverse = Flow(
                src: c.serverAddress, dst: c.clientAddress, sport: c.serverPort, dport: c.clientPort,
                packets: responsePackets, bytes: responseBytes, flags: reverseFlags)
            let service = c.externalService
            let externalIsServer = c.serverHost < 0 && !network.isInVPC(c.serverAddress)

            if c.clientHost >= 0 {
                let path = egressPath(from: c.clientHost, to: c.serverAddress, spec: c)
                add(
                    base, host: c.clientHost, flow: forward, egress: true, path: path,
                    dstService: externalIsServer ? service : .none)
                if !c.rejected {
                    add(
                        base, host: c.clientHost, flow: reverse, egress: false,
                        srcService: externalIsServer ? service : .none)
                }
            }
            if c.serverHost >= 0 {
                add(
                    base, host: c.serverHost, flow: forward, egress: false, rejected: c.rejected,
                    srcService: c.clientHost < 0 ? service : .none)
                if !c.rejected {
                    let path = egressPath(from: c.serverHost, to: c.clientAddress, spec: c)
                    add(
                        base, host: c.serverHost, flow: reverse, egress: true, path: path,
                        dstService: c.clientHost < 0 ? service : .none)
                }
            }
            if c.viaNAT && !c.rejected {
                // Instance → NAT: addressed to the NAT gateway, packets bound for the server.
                add(
                    base, host: natHost, flow: forward.with(dst: natAddress), egress: false,
                    pkt: (c.clientAddress, c.serverAddress), dstService: service)
                // NAT → server, after source translation (the NAT's own port on the outside).
                let outward = Flow(
                    src: natAddress, dst: c.serverAddress, sport: c.natPort, dport: c.serverPort,
                    packets: requestPackets, bytes: requestBytes, flags: forwardFlags)
                add(base, host: natHost, flow: outward, egress: true, path: 2, dstService: service)
                // Server → NAT (the public address is translated to the NAT's private one).
                let inward = Flow(
                    src: c.serverAddress, dst: natAddress, sport: c.serverPort, dport: c.natPort,
                    packets: responsePackets, bytes: responseBytes, flags: reverseFlags)
                add(base, host: natHost, flow: inward, egress: false, srcService: service)
                // NAT → instance: sent by the NAT gateway, packets from the server.
                add(
                    base, host: natHost, flow: reverse.with(src: natAddress), egress: true, path: 1,
                    pkt: (c.serverAddress, c.clientAddress), srcService: service)
            }
            window += aggregation
        }
    }

    /// Appends a NODATA or SKIPDATA record for one interface and window.
    mutating func emitStatus(_ status: SimulatedRecord.Status, host: Int, start: Int64, end: Int64) {
        guard start < rangeEnd else { return }
        var record = SimulatedRecord()
        record.status = status
        record.host = UInt16(host)
        record.start = start
        record.end = min(end, rangeEnd - 1)
        records.append(record)
    }

    private struct Flow {
        var src: UInt32
        var dst: UInt32
        var sport: UInt16
        var dport: UInt16
        var packets: UInt64
        var bytes: UInt64
        var flags: UInt8

        func with(src: UInt32) -> Flow {
            var copy = self
            copy.src = src
            return copy
        }

        func with(dst: UInt32) -> Flow {
            var copy = self
            copy.dst = dst
            return copy
        }
    }

    private mutating func add(
        _ base: SimulatedRecord, host: Int, flow: Flow, egress: Bool, rejected: Bool = false, path: UInt8 = 0,
        pkt: (UInt32, UInt32)? = nil, srcService: SimulatedRecord.AWSService = .none,
        dstService: SimulatedRecord.AWSService = .none
    ) {
        var record = base
        record.host = UInt16(host)
        record.srcaddr = flow.src
        record.dstaddr = flow.dst
        record.pktSrcaddr = pkt?.0 ?? flow.src
        record.pktDstaddr = pkt?.1 ?? flow.dst
        record.srcport = flow.sport
        record.dstport = flow.dport
        record.packets = UInt32(clamping: flow.packets)
        record.bytes = flow.bytes
        record.tcpFlags = flow.flags
        record.egress = egress
        record.rejected = rejected
        record.trafficPath = egress ? path : 0
        record.srcService = srcService
        record.dstService = dstService
        records.append(record)
    }

    // AWS traffic-path codes: 1 another resource in the VPC (including a NAT gateway), 2 an
    // internet gateway, 7 a gateway VPC endpoint, 8 an internet gateway from a Nitro instance.
    private func egressPath(from host: Int, to address: UInt32, spec: ConnectionSpec) -> UInt8 {
        if network.isInVPC(address) { return 1 }
        if spec.gatewayEndpoint { return 7 }
        if spec.viaNAT { return 1 }
        switch network.hosts[host].role {
        case .instance: return 8
        case .loadBalancer, .natGateway: return 2
        }
    }
}

extension SimulatedNetwork {
    @inline(__always)
    func isInVPC(_ address: UInt32) -> Bool { address >> 16 == vpcCIDR.network.ipv4Value >> 16 }
}
