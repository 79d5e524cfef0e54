/// An address block such as `10.20.0.0/16` or `2001:db8::/32`.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    /// The network address, with host bits cleared.
    public let network: IPAddress
    /// Prefix length in the 128-bit space (IPv4 prefixes are stored plus 96).
    public let bits: Int

    public init(network: IPAddress, prefixLength: Int) {
        let total = network.isIPv4 ? prefixLength + 96 : prefixLength
        bits = total
        let (maskHigh, maskLow) = CIDR.masks(total)
        self.network = IPAddress(high: network.high & maskHigh, low: network.low & maskLow)
    }

    /// Parses `a.b.c.d/n`, `x::y/n`, or a bare address (a single host).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maxLength = address.isIPv4 ? 32 : 128
        var length = maxLength
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 0, n <= maxLength else { return nil }
            length = n
        }
        self.init(network: address, prefixLength: length)
    }

    /// The prefix length as written (0–32 for IPv4).
    public var prefixLength: Int { network.isIPv4 ? bits - 96 : bits }

    @inlinable
    static func masks(_ bits: Int) -> (UInt64, UInt64) {
        let high: UInt64 = bits >= 64 ? ~0 : (bits == 0 ? 0 : ~0 << UInt64(64 - bits))
        let low: UInt64 = bits <= 64 ? 0 : (bits >= 128 ? ~0 : ~0 << UInt64(128 - bits))
        return (high, low)
    }

    public func contains(_ address: IPAddress) -> Bool {
        let (maskHigh, maskLow) = CIDR.masks(bits)
        return address.high & maskHigh == network.high && address.low & maskLow == network.low
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

/// A set of address blocks with a fast membership test.
///
/// Blocks are kept as sorted, merged address ranges, so a lookup is a binary search whatever
/// the size of the set (threat lists run to tens of thousands of entries).
public struct CIDRSet: Sendable, Hashable {
    public private(set) var blocks: [CIDR]
    private var starts: [IPAddress] = []
    private var ends: [IPAddress] = []

    public init(_ blocks: [CIDR] = []) {
        self.blocks = blocks
        rebuild()
    }

    public mutating func insert(_ block: CIDR) {
        blocks.append(block)
        rebuild()
    }

    public var isEmpty: Bool { blocks.isEmpty }

    private mutating func rebuild() {
        let ranges = blocks.map { block -> (IPAddress, IPAddress) in
            let (maskHigh, maskLow) = CIDR.masks(block.bits)
            let last = IPAddress(high: block.network.high | ~maskHigh, low: block.network.low | ~maskLow)
            return (block.network, last)
        }.sorted { $0.0 < $1.0 }
        starts = []
        ends = []
        for (start, end) in ranges {
            if let lastEnd = ends.last, !(lastEnd < start) || lastEnd.successor == start {
                if lastEnd < end { ends[ends.count - 1] = end }
            } else {
                starts.append(start)
                ends.append(end)
            }
        }
    }

    public func contains(_ address: IPAddress) -> Bool {
        // Last range whose start is <= address.
        var low = 0
        var high = starts.count
        while low < high {
            let mid = (low + high) >> 1
            if address < starts[mid] { high = mid } else { low = mid + 1 }
        }
        guard low > 0 else { return false }
        return !(ends[low - 1] < address)
    }

    public static func == (lhs: CIDRSet, rhs: CIDRSet) -> Bool { lhs.starts == rhs.starts && lhs.ends == rhs.ends }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(starts)
        hasher.combine(ends)
    }

    /// RFC 1918, RFC 6598 and IPv6 unique-local space: the default "internal" networks.
    public static let privateNetworks = CIDRSet(
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"].compactMap { CIDR($0) })
}

extension IPAddress {
    /// The next address (wrapping at the top of the space).
    var successor: IPAddress {
        let (low, carry) = self.low.addingReportingOverflow(1)
        return IPAddress(high: carry ? high &+ 1 : high, low: low)
    }
}
