public import FlowCore

/// What `flowlens top` ranks by.
public enum TopDimension: String, CaseIterable, Sendable {
    case srcaddr, dstaddr, address, pair, dstport, `protocol`, interface, subnet, instance

    /// Column names of the key.
    public var columns: [String] {
        switch self {
        case .pair: ["srcaddr", "dstaddr"]
        case .interface: ["interface_id"]
        case .subnet: ["subnet_id"]
        case .instance: ["instance_id"]
        default: [rawValue]
        }
    }
}

/// What `flowlens top` sums.
public enum TopMetric: String, CaseIterable, Sendable {
    case bytes, packets, flows
}

/// One ranked key with its totals.
public struct TopEntry: Sendable, Equatable {
    /// The key's text, one value per ``TopDimension/columns`` (`-` when absent).
    public var key: [String]
    public var flows: UInt64
    public var packets: UInt64
    public var bytes: UInt64

    public func value(_ metric: TopMetric) -> UInt64 {
        switch metric {
        case .bytes: bytes
        case .packets: packets
        case .flows: flows
        }
    }
}

/// Counts flows, packets and bytes per key while records stream past (no store needed).
///
/// `address` counts a record once for its source and once for its destination.
public final class TopTalkers: FlowSink {
    public let dimension: TopDimension
    private var counts: [Key: Counts] = [:]

    struct Key: Hashable {
        var a: UInt64
        var b: UInt64
        var c: UInt64 = 0
        var d: UInt64 = 0
    }

    struct Counts {
        var flows: UInt64 = 0
        var packets: UInt64 = 0
        var bytes: UInt64 = 0
    }

    private static let absent = UInt64.max

    public init(by dimension: TopDimension) { self.dimension = dimension }

    public func consume(_ batch: FlowBatch) {
        let a = Self.absent
        for record in batch.records {
            let packets = record.has(.packets) ? record.packets : 0
            let bytes = record.has(.bytes) ? record.bytes : 0
            func add(_ key: Key) {
                counts[key, default: Counts()].add(packets: packets, bytes: bytes)
            }
            func address(_ field: FlowField, _ value: IPAddress) -> Key {
                record.has(field) ? Key(a: value.high, b: value.low) : Key(a: a, b: a)
            }
            switch dimension {
            case .srcaddr: add(address(.srcaddr, record.srcaddr))
            case .dstaddr: add(address(.dstaddr, record.dstaddr))
            case .address:
                add(address(.srcaddr, record.srcaddr))
                add(address(.dstaddr, record.dstaddr))
            case .pair:
                let source = address(.srcaddr, record.srcaddr)
                let destination = address(.dstaddr, record.dstaddr)
                add(Key(a: source.a, b: source.b, c: destination.a, d: destination.b))
            case .dstport: add(Key(a: 0, b: record.has(.dstport) ? UInt64(record.dstport) : a))
            case .protocol: add(Key(a: 0, b: record.has(.proto) ? UInt64(record.proto) : a))
            case .interface: add(symbolKey(record, .interfaceID))
            case .subnet: add(symbolKey(record, .subnetID))
            case .instance: add(symbolKey(record, .instanceID))
            }
        }
    }

    private func symbolKey(_ record: FlowRecord, _ field: FlowField) -> Key {
        Key(a: 0, b: record.has(field) ? UInt64(record[text: field].id) : Self.absent)
    }

    public func finish() {}

    /// The `count` largest keys by `metric`, largest first (ties by key text).
    public func top(_ count: Int, by metric: TopMetric) -> [TopEntry] {
        let entries = counts.map { key, value in
            TopEntry(key: text(key), flows: value.flows, packets: value.packets, bytes: value.bytes)
        }
        return Array(
            entries.sorted {
                let (l, r) = ($0.value(metric), $1.value(metric))
                return l != r ? l > r : $0.key.lexicographicallyPrecedes($1.key)
            }.prefix(count))
    }

    private func text(_ key: Key) -> [String] {
        func address(_ high: UInt64, _ low: UInt64) -> String {
            high == Self.absent && low == Self.absent ? "-" : IPAddress(high: high, low: low).description
        }
        switch dimension {
        case .srcaddr, .dstaddr, .address: return [address(key.a, key.b)]
        case .pair: return [address(key.a, key.b), address(key.c, key.d)]
        case .dstport, .protocol: return [key.b == Self.absent ? "-" : String(key.b)]
        case .interface, .subnet, .instance: return [key.b == Self.absent ? "-" : Symbol(id: UInt32(key.b)).string]
        }
    }

    /// SQL that gives the same ranking from a store: from the hourly rollups where they hold the
    /// dimension, else from `flows`.
    public static func storeSQL(by dimension: TopDimension, metric: TopMetric, count: Int) -> String {
        let keyOrder = (1...dimension.columns.count).map(String.init).joined(separator: ", ")
        let order = "ORDER BY \(metric.rawValue) DESC, \(keyOrder) LIMIT \(count)"
        let sums = "sum(flows) AS flows, sum(packets) AS packets, sum(bytes) AS bytes"
        switch dimension {
        case .srcaddr, .dstaddr, .dstport, .protocol, .interface, .address:
            let rollup = dimension == .interface ? "interface_id" : dimension.rawValue
            let filter =
                dimension == .address ? "dimension IN ('srcaddr', 'dstaddr')" : "dimension = '\(rollup)'"
            return "SELECT key AS \(dimension.columns[0]), \(sums) FROM flows_hourly WHERE \(filter) GROUP BY key \(order)"
        case .pair, .subnet, .instance:
            let keys = dimension.columns.map { "coalesce(\($0), '-') AS \($0)" }.joined(separator: ", ")
            return """
                SELECT \(keys), count(*) AS flows, coalesce(sum(packets), 0) AS packets, coalesce(sum(bytes), 0) AS bytes
                FROM flows GROUP BY \(keyOrder) \(order)
                """
        }
    }
}

extension TopTalkers.Counts {
    @inline(__always)
    mutating func add(packets: UInt64, bytes: UInt64) {
        flows &+= 1
        self.packets &+= packets
        self.bytes &+= bytes
    }
}
