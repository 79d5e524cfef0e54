/// A generated flow log record in 72 bytes: what the simulator keeps between generating a
/// record and writing its file.
///
/// Addresses are IPv4 values, resource ids come from the interface (``host``), and the fields a
/// format may or may not show are derived when the record becomes a `FlowRecord`.
struct SimulatedRecord: Sendable {
    var start: Int64 = 0
    var end: Int64 = 0
    var bytes: UInt64 = 0
    var packets: UInt32 = 0
    var srcaddr: UInt32 = 0
    var dstaddr: UInt32 = 0
    var pktSrcaddr: UInt32 = 0
    var pktDstaddr: UInt32 = 0
    var srcport: UInt16 = 0
    var dstport: UInt16 = 0
    /// Index of the interface in ``SimulatedNetwork/hosts`` that logged the record.
    var host: UInt16 = 0
    var proto: UInt8 = 0
    var tcpFlags: UInt8 = 0
    var status: Status = .ok
    var rejected = false
    var egress = false
    /// AWS `traffic-path` code, 0 when the field is absent (ingress records).
    var trafficPath: UInt8 = 0
    var srcService: AWSService = .none
    var dstService: AWSService = .none
    /// Delivery window (5-minute step from the run's origin) whose file carries the record.
    var delivery: UInt32 = 0
    /// Index into the injected `FlowRecord`s of the file, or -1 for a generated record.
    var injected: Int32 = -1

    enum Status: UInt8, Sendable {
        case ok, noData, skipData
    }

    /// Values of `pkt-src-aws-service` / `pkt-dst-aws-service` the simulation produces.
    enum AWSService: UInt8, Sendable {
        case none, amazon, s3

        var name: String {
            switch self {
            case .none: ""
            case .amazon: "AMAZON"
            case .s3: "S3"
            }
        }
    }
}
