public import FlowCore
public import FlowEnrichment

/// Classifies an address into one of the report's zones in a single binary search.
///
/// Categories are the configured zones in order (the first zone containing an address wins, as
/// in ``NetworkContext/zoneIndex(of:)``), then "internal" for the rest of `$internal`, then
/// "internet" for everything else. The zones and the internal networks are flattened once into
/// disjoint sorted ranges, so a lookup costs a few comparisons whatever the config holds.
public struct ZoneMap: Sendable {
    /// Category names, indexed by what ``category(of:)`` returns.
    public let names: [String]
    /// Index of the "internal" (in `$internal` but no zone) category.
    public let internalCategory: Int
    /// Index of the "internet" category.
    public let internetCategory: Int
    private let starts: [IPAddress]
    private let categories: [UInt8]

    public init(context: NetworkContext) {
        let zones = context.zones.prefix(250)
        names = zones.map(\.name) + ["internal", "internet"]
        internalCategory = zones.count
        internetCategory = zones.count + 1
        // Every boundary where the answer can change: each block's first address and the one
        // after its last.
        var points: Set<IPAddress> = [.zero]
        for block in zones.flatMap(\.networks.blocks) + context.internalNetworks.blocks {
            let (first, last) = Self.bounds(block)
            points.insert(first)
            if last != IPAddress(high: ~0, low: ~0) { points.insert(Self.successor(last)) }
        }
        var starts: [IPAddress] = []
        var categories: [UInt8] = []
        for point in points.sorted() {
            let category: Int
            if let zone = zones.firstIndex(where: { $0.networks.contains(point) }) {
                category = zone
            } else if context.internalNetworks.contains(point) {
                category = zones.count
            } else {
                category = zones.count + 1
            }
            if categories.last == UInt8(category) { continue }
            starts.append(point)
            categories.append(UInt8(category))
        }
        self.starts = starts
        self.categories = categories
    }

    /// The category of `address`: a zone index, ``internalCategory`` or ``internetCategory``.
    @inline(__always)
    public func category(of address: IPAddress) -> Int {
        // Last range whose start is <= address; starts[0] is the zero address.
        var low = 0
        var high = starts.count
        while high - low > 1 {
            let mid = (low + high) >> 1
            if address < starts[mid] { high = mid } else { low = mid }
        }
        return Int(categories[low])
    }

    private static func bounds(_ block: CIDR) -> (IPAddress, IPAddress) {
        let bits = block.bits
        let maskHigh: UInt64 = bits >= 64 ? ~0 : (bits == 0 ? 0 : ~0 << UInt64(64 - bits))
        let maskLow: UInt64 = bits <= 64 ? 0 : (bits >= 128 ? ~0 : ~0 << UInt64(128 - bits))
        return (block.network, IPAddress(high: block.network.high | ~maskHigh, low: block.network.low | ~maskLow))
    }

    private static func successor(_ address: IPAddress) -> IPAddress {
        let (low, carry) = address.low.addingReportingOverflow(1)
        return IPAddress(high: carry ? address.high &+ 1 : address.high, low: low)
    }
}
