/// Flows, packets and bytes: the three measures every traffic table keeps.
public struct TrafficCounter: Sendable, Hashable, Codable {
    public var flows: UInt64 = 0
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0

    public init(flows: UInt64 = 0, packets: UInt64 = 0, bytes: UInt64 = 0) {
        self.flows = flows
        self.packets = packets
        self.bytes = bytes
    }

    @inline(__always)
    public mutating func add(packets: UInt64, bytes: UInt64) {
        flows &+= 1
        self.packets &+= packets
        self.bytes &+= bytes
    }

    public mutating func add(_ other: TrafficCounter) {
        flows &+= other.flows
        packets &+= other.packets
        bytes &+= other.bytes
    }
}

/// Which measure a ranking uses.
public enum TrafficMetric: String, Sendable, CaseIterable, Codable {
    case bytes, packets, flows

    public func value(_ counter: TrafficCounter) -> UInt64 {
        switch self {
        case .bytes: counter.bytes
        case .packets: counter.packets
        case .flows: counter.flows
        }
    }
}
