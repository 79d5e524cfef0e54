public import FlowCore
public import FlowEnrichment

/// What `flowlens top` ranks by.
public enum TopDimension: String, CaseIterable, Sendable {
    case srcaddr, dstaddr, address, pair, dstport, `protocol`, interface, subnet, instance
    /// The pair of trust zones (from the config) of the packet-level source and destination.
    case zone

    /// Column names of the key.
    public var columns: [String] {
        switch self {
        case .pair: ["srcaddr", "dstaddr"]
        case .interface: ["interface_id"]
        case .subnet: ["subnet_id"]
        case .instance: ["instance_id"]
        case .zone: ["src_zone", "dst_zone"]
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
    /// Start of the entry's time bin (Unix seconds), when ranking per bin.
    public var bin: Int64?
    /// The key's text, one value per ``TopDimension/columns`` (`-` when absent or, for zones,
    /// outside every zone).
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
/// `address` counts a record once for its source and once for its destination. With a bin width,
/// keys are counted per time bin of the record's `start` (records without one fall in bin 0),
/// and ``top(_:by:)`` ranks each bin on its own: a time series of the top keys.
public final class TopTalkers: FlowSink {
    public let dimension: TopDimension
    /// Seconds per time bin, or nil for one ranking over the whole input.
    public let binSeconds: Int64?
    private let zones: [NetworkContext.Zone]
    private var counts: [Key: Counts] = [:]
    /// Zone index (or `absent`) per address, for `--by zone`.
    private var zoneOf: [IPAddress: UInt64] = [:]

    struct Key: Hashable {
        var a: UInt64
        var b: UInt64
        var c: UInt64 = 0
        var d: UInt64 = 0
        var bin: Int64 = 0
    }

    struct Counts {
        var flows: UInt64 = 0
        var packets: UInt64 = 0
        var bytes: UInt64 = 0
    }

    private static let absent = UInt64.max

    /// - Parameters:
    ///   - binSeconds: Width of the time bins, or nil for one ranking.
    ///   - zones: The config's trust zones, for ``TopDimension/zone`` (the first zone holding an
    ///     address wins, as in detection).
    public init(by dimension: TopDimension, binSeconds: Int64? = nil, zones: [NetworkContext.Zone] = []) {
        precondition(binSeconds.map { $0 > 0 } ?? true, "bins must be at least one second wide")
        self.dimension = dimension
        self.binSeconds = binSeconds
        self.zones = zones
    }

    public func consume(_ batch: FlowBatch) {
        let a = Self.absent
        for record in batch.records {
            let packets = record.has(.packets) ? record.packets : 0
            let bytes = record.has(.bytes) ? record.bytes : 0
            var bin: Int64 = 0
            if let width = binSeconds, record.has(.start) {
                bin = record.start - ((record.start % width) + width) % width
            }
            func add(_ key: Key) {
                var key = key
                key.bin = bin
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
            case .zone:
                let source = record.has(.srcaddr) || record.has(.pktSrcaddr) ? zone(record.packetSource) : a
                let destination = record.has(.dstaddr) || record.has(.pktDstaddr) ? zone(record.packetDestination) : a
                add(Key(a: source, b: destination))
            }
        }
    }

    private func zone(_ address: IPAddress) -> UInt64 {
        if let known = zoneOf[address] { return known }
        let index = zones.firstIndex { $0.networks.contains(address) }.map { UInt64($0) } ?? Self.absent
        zoneOf[address] = index
        return index
    }

    private func symbolKey(_ record: FlowRecord, _ field: FlowField) -> Key {
        Key(a: 0, b: record.has(field) ? UInt64(record[text: field].id) : Self.absent)
    }

    public func finish() {}

    /// The `count` largest keys by `metric`, largest first (ties by key text); with bins, the
    /// `count` largest of each bin, bins in time order.
    public func top(_ count: Int, by metric: TopMetric) -> [TopEntry] {
        var byBin: [Int64: [TopEntry]] = [:]
        for (key, value) in counts {
            byBin[key.bin, default: []].append(
                TopEntry(
                    bin: binSeconds == nil ? nil : key.bin, key: text(key), flows: value.flows,
                    packets: value.packets, bytes: value.bytes))
        }
        return byBin.keys.sorted().flatMap { bin in
            byBin[bin]!.sorted {
                let (l, r) = ($0.value(metric), $1.value(metric))
                return l != r ? l > r : $0.key.lexicographicallyPrecedes($1.key)
            }.prefix(count)
        }
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
        case .zone:
            return [key.a, key.b].map { $0 == Self.absent ? "-" : zones[Int($0)].name }
        }
    }

    /// SQL that gives the same ranking from a store's rollups (its `flows_totals`: one row per
    /// key), or nil when they do not hold the dimension (then read the store's records through a
    /// ``TopTalkers``).
    public static func rollupSQL(by dimension: TopDimension, metric: TopMetric, count: Int) -> String? {
        switch dimension {
        case .srcaddr, .dstaddr, .dstport, .protocol, .interface, .address:
            let rollup = dimension == .interface ? "interface_id" : dimension.rawValue
            return """
                SELECT key AS \(dimension.columns[0]), flows, packets, bytes FROM flows_totals \
                WHERE dimension = '\(rollup)' ORDER BY \(metric.rawValue) DESC, 1 LIMIT \(count)
                """
        case .pair, .subnet, .instance, .zone:
            return nil
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
