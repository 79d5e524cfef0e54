extension FlowRecord {
    /// Which end of the connection opened it, as far as the record can tell.
    ///
    /// Flow logs record each direction of a connection separately, and each ENI records both, so
    /// a response (server → client) looks like a connection from the server's port to the
    /// client's ephemeral port. Treating it as a new connection would turn every busy server into
    /// a "port scanner". The evidence, strongest first:
    /// 1. `tcp-flags`: SYN without ACK comes from the initiator; SYN-ACK from the responder.
    /// 2. Ports: a well-known service port on one side and an ephemeral one on the other.
    /// 3. Otherwise the lower port is taken as the service, and ties keep the record's direction.
    @inlinable
    public var isResponse: Bool {
        if orientation & FlowRecord.orientationKnown != 0 { return orientation & FlowRecord.orientationResponse != 0 }
        return Self.isResponse(present: present, proto: proto, tcpFlags: tcpFlags, srcport: srcport, dstport: dstport)
    }

    /// Works out ``isResponse`` once and stores it, so that the many rules asking afterwards read
    /// one byte. Decoders call this for every record they produce.
    ///
    /// It reads the five fields it needs one by one: a method call on the whole record (such as
    /// `computeIsResponse()` on `self`) made Swift copy all of its 208 bytes first, for every
    /// record decoded.
    @inlinable
    public mutating func cacheOrientation() {
        orientation = Self.orientation(present: present, proto: proto, tcpFlags: tcpFlags, srcport: srcport, dstport: dstport)
    }

    /// The value ``cacheOrientation()`` stores, for a decoder that has the fields at hand.
    @inlinable @inline(__always)
    public static func orientation(present: UInt64, proto: UInt8, tcpFlags: UInt16, srcport: UInt16, dstport: UInt16)
        -> UInt8
    {
        let response = isResponse(present: present, proto: proto, tcpFlags: tcpFlags, srcport: srcport, dstport: dstport)
        return orientationKnown | (response ? orientationResponse : 0)
    }

    @usableFromInline static let orientationKnown: UInt8 = 0x80
    @usableFromInline static let orientationResponse: UInt8 = 0x01

    /// ``isResponse`` from the fields it depends on.
    @inlinable
    public static func isResponse(present: UInt64, proto: UInt8, tcpFlags: UInt16, srcport: UInt16, dstport: UInt16) -> Bool {
        if present & FlowField.tcpFlags.bit != 0 && proto == 6 {
            let flags = tcpFlags
            if flags & 0x12 == 0x12 { return true }  // SYN-ACK: sent by the responder
            if flags & 0x02 != 0 { return false }  // SYN alone: sent by the initiator
        }
        guard present & FlowField.srcport.bit != 0, present & FlowField.dstport.bit != 0 else { return false }
        if proto != 6 && proto != 17 && proto != 132 { return false }
        let s = srcport
        let d = dstport
        if s == d { return false }
        let sService = PortClass.isService(s)
        let dService = PortClass.isService(d)
        if sService != dService { return sService }
        // Neither (or both) a known service: the lower port is the service, since clients and
        // NAT gateways pick source ports from the high ranges.
        return s < d
    }

    /// The address that opened the connection (packet-level where NAT rewrote it).
    @inlinable public var initiator: IPAddress { isResponse ? packetDestination : packetSource }
    /// The address that accepted the connection.
    @inlinable public var responder: IPAddress { isResponse ? packetSource : packetDestination }
    /// The responder's port: the service being used.
    @inlinable public var servicePort: UInt16 { isResponse ? srcport : dstport }
    /// The initiator's port.
    @inlinable public var clientPort: UInt16 { isResponse ? dstport : srcport }
}

/// Port classes used to tell a service port from an ephemeral one.
public enum PortClass {
    /// Ports that are almost always the server side: the system range and the registered ports
    /// of common services. This runs for every record in every rule and in the decoder: the
    /// ranges that most ports fall in are answered by comparisons that inline, the registered
    /// ports by a `switch` over constants. A bitmap in a static array cost a lazy-initialisation
    /// check (a call) on every use.
    @inlinable @inline(__always)
    public static func isService(_ port: UInt16) -> Bool {
        port < 1024 || (port <= 27017 && isRegisteredService(port))
    }

    /// The registered ports of common services (27017, MongoDB, is the highest).
    @usableFromInline
    static func isRegisteredService(_ port: UInt16) -> Bool {
        switch port {
        case 1433, 1521, 2049, 2375, 2376, 2379, 3000, 3306, 3389, 4443, 5000, 5432, 5601, 5671, 5672,
            5900, 5901, 5902, 5903, 5984, 5985, 5986, 6379, 6443, 7000, 7001, 8000, 8080, 8081, 8088, 8443, 8888,
            9000, 9042, 9090, 9092, 9093, 9100, 9200, 9300, 9418, 10250, 11211, 15672, 27017:
            true
        default:
            false
        }
    }

    /// The dynamic range used by Linux (32768–60999) and Windows/IANA (49152–65535) clients.
    @inlinable
    public static func isEphemeral(_ port: UInt16) -> Bool { port >= 32768 }
}
