import FlowCore

/// Builds records from AWS field names and flow log text, so tests read like log lines.
func record(_ fields: KeyValuePairs<String, String>) -> FlowRecord {
    var record = FlowRecord()
    for (name, text) in fields {
        guard let field = FlowField(name: name) else { fatalError("unknown field \(name)") }
        record.present |= field.bit
        switch field {
        case .version: record.version = UInt8(text)!
        case .srcport: record.srcport = UInt16(text)!
        case .dstport: record.dstport = UInt16(text)!
        case .proto: record.proto = UInt8(text)!
        case .packets: record.packets = UInt64(text)!
        case .bytes: record.bytes = UInt64(text)!
        case .tcpFlags: record.tcpFlags = UInt16(text)!
        case .trafficPath: record.trafficPath = UInt8(text)!
        case .encryptionStatus: record.encryptionStatus = UInt8(text)!
        case .packetsLostNoRoute: record.packetsLost[0] = UInt64(text)!
        case .start: record.start = Int64(text)!
        case .end: record.end = Int64(text)!
        case .srcaddr: record.srcaddr = IPAddress(text)!
        case .dstaddr: record.dstaddr = IPAddress(text)!
        case .pktSrcaddr: record.pktSrcaddr = IPAddress(text)!
        case .pktDstaddr: record.pktDstaddr = IPAddress(text)!
        case .action: record.action = text == "ACCEPT" ? .accept : .reject
        case .logStatus: record.logStatus = LogStatus.allCases.first { $0.name == text }!
        case .flowDirection: record.flowDirection = text == "ingress" ? .ingress : .egress
        default: record[text: field] = Symbol(text)
        }
    }
    return record
}

/// A typical accepted inbound SSH flow with every v5 field a test is likely to read.
let ssh = record([
    "version": "5", "account-id": "123456789012", "interface-id": "eni-0a1b2c3d", "srcaddr": "198.51.100.7",
    "dstaddr": "10.20.1.15", "srcport": "51514", "dstport": "22", "protocol": "6", "packets": "12",
    "bytes": "4120", "start": "1793589600", "end": "1793589660", "action": "ACCEPT", "log-status": "OK",
    "vpc-id": "vpc-11aa", "tcp-flags": "19", "type": "IPv4", "pkt-srcaddr": "198.51.100.7",
    "pkt-dstaddr": "10.20.1.15", "flow-direction": "ingress", "pkt-src-aws-service": "AMAZON",
])

/// A NODATA record: nothing but the interface, times and status.
let noData = record([
    "version": "2", "interface-id": "eni-0a1b2c3d", "start": "1793589600", "end": "1793589660",
    "log-status": "NODATA",
])
